/** Case- and accent-insensitive text matching ("Électricité" contains "electri"). */
export const foldText = (value: string) =>
  value
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

export const containsFolded = (haystack: string, needle: string) => foldText(haystack).includes(foldText(needle));

/** RFC 5321's limit on an address (octets): a longer one names nobody (and would make too long a key). */
const MAX_MAIL_BYTES = 254;

/**
 * The form an e-mail address is looked up by (Apidae get-by-mail): lower case, so `Ada@Example.org`
 * finds `ada@example.org`; undefined for text that can be no address we index.
 */
export function mailLookupValue(eMail: string): string | undefined {
  if (!eMail.isWellFormed() || Buffer.byteLength(eMail) > MAX_MAIL_BYTES) return undefined;
  return eMail.normalize('NFC').toLowerCase();
}
