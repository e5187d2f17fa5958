/** Labels appear in paths as `~label`, so they are URL-safe. One pattern for the seed file and the API. */
export const LABEL_PATTERN = /^[A-Za-z0-9._~-]{1,128}$/;
export const LABEL_RULE = 'must be 1-128 URL-safe characters (A-Z a-z 0-9 . _ ~ -)';
