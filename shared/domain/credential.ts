/** Credentials: who is calling, for which tenant, with what rights. Secrets are held only as hashes. */
export type CredentialKind = 'engagement' | 'netux' | 'apidae' | 'responsys' | 'responsys-token';

export type NetuxScope = 'read' | 'write' | 'bulk';

export interface RateLimit {
  limit: number;
  windowSeconds: number;
}

export interface Credential {
  kind: CredentialKind;
  /** The global lookup identifier: SHA-256 of a key/token, an Apidae project id, a Responsys user name. */
  lookupId: string;
  tenantId: string;
  /** Stable id used for rate limiting and logs (never the secret). */
  credentialId: string;
  /** Hash of the secret when the lookup id is not itself the hash (Apidae key, Responsys password). */
  secretHash?: string;
  /** Engagement: the publisher; Responsys token: the user it was issued to. */
  principalId?: string;
  scopes?: NetuxScope[];
  /** Apidae project permission level. */
  access?: 'full' | 'limited';
  rateLimit?: RateLimit;
  /** Responsys tokens: exact expiry in epoch milliseconds (TTL only removes the item later). */
  expiresAtMs?: number;
  issuedAtMs?: number;
}

/** What a request runs as once authenticated. */
export interface Principal {
  tenantId: string;
  credential: Credential;
}
