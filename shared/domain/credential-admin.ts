/**
 * Issuing, listing and revoking credentials (the admin CLI's operations). A secret is generated here,
 * returned once to the operator and stored only as a hash; listings never carry one.
 */
import { hashPassword, randomAlphanumeric, randomToken, sha256, verifyPassword } from '#shared/crypto.ts';
import { AppError, notFound } from '#shared/errors.ts';

import type { Credential, NetuxScope, RateLimit } from './credential.ts';
import { ports } from './ports.ts';

/** A short, stable, non-secret identifier for logs, rate-limit counters and revocation. */
export const credentialIdOf = (kind: string, identifier: string) => `${kind}-${sha256(identifier).slice(0, 16)}`;

export type CredentialRequest = { tenantId: string; rateLimit?: RateLimit } & (
  | { kind: 'netux'; scopes: NetuxScope[] }
  | { kind: 'engagement'; publisherId: string }
  | { kind: 'apidae'; projetId: number; access: 'full' | 'limited' }
  | { kind: 'responsys'; userName: string }
);

/** What an operator may see of a credential. */
export interface CredentialSummary {
  credentialId: string;
  kind: Credential['kind'];
  /** Engagement publisher, Apidae project id or Responsys user name (never a secret). */
  identifies: string;
  scopes?: NetuxScope[];
  access?: 'full' | 'limited';
  rateLimit?: RateLimit;
}

const invalid = (message: string) => new AppError('validation', message);

export function summaryOf(credential: Credential): CredentialSummary {
  const identifies =
    credential.kind === 'engagement'
      ? `publisher ${credential.principalId}`
      : credential.kind === 'apidae'
        ? `projetId ${credential.lookupId}`
        : credential.kind === 'responsys'
          ? `user ${credential.lookupId}`
          : `scopes ${credential.scopes?.join(',')}`;
  return {
    credentialId: credential.credentialId,
    kind: credential.kind,
    identifies,
    ...(credential.scopes ? { scopes: credential.scopes } : {}),
    ...(credential.access ? { access: credential.access } : {}),
    ...(credential.rateLimit ? { rateLimit: credential.rateLimit } : {}),
  };
}

/**
 * The stored record of a credential, from its secret: the one shape every writer uses (admin issue,
 * seed import, Responsys login). Keys and tokens are found by their hash; an Apidae project by its id
 * and a Responsys user by name, with the secret's hash beside them. `passwordHash` lets an import keep
 * a Responsys hash that still verifies.
 */
export async function credentialRecord(grant: CredentialRequest, secret: string, passwordHash?: string): Promise<Credential> {
  const base = (kind: Credential['kind'], lookupId: string) => ({
    kind,
    lookupId,
    tenantId: grant.tenantId,
    credentialId: credentialIdOf(kind, lookupId),
    ...(grant.rateLimit ? { rateLimit: grant.rateLimit } : {}),
  });
  switch (grant.kind) {
    case 'netux':
      return { ...base('netux', sha256(secret)), scopes: grant.scopes };
    case 'engagement':
      return { ...base('engagement', sha256(secret)), principalId: grant.publisherId };
    case 'apidae':
      return { ...base('apidae', String(grant.projetId)), secretHash: sha256(secret), access: grant.access };
    case 'responsys':
      return { ...base('responsys', grant.userName), secretHash: passwordHash ?? (await hashPassword(secret)) };
  }
}

/** Stores a credential record; an identifier owned by another tenant is refused (nothing written). */
async function store(credential: Credential): Promise<void> {
  if (!(await ports().credentials.put(credential))) throw invalid('This identifier already belongs to another tenant.');
}

/** Creates a credential with a fresh secret; returns the secret (shown once) and the stored summary. */
export async function issueCredential(request: CredentialRequest): Promise<{ secret: string; credential: CredentialSummary }> {
  const { credentials, directory } = ports();
  if (!(await directory.getTenant(request.tenantId))) throw notFound(`Tenant ${request.tenantId} does not exist.`);
  if (request.kind === 'netux' && request.scopes.length === 0) throw invalid('A Netux token needs at least one scope (read, write, bulk).');
  if (request.kind === 'engagement' && !(await directory.getPublisher(request.tenantId, request.publisherId))) {
    throw invalid(`Publisher ${request.publisherId} does not exist in tenant ${request.tenantId}.`);
  }
  if (request.kind === 'apidae') {
    // A project has one key: issuing again replaces it (the old key stops working at once).
    const existing = await credentials.get('apidae', String(request.projetId));
    if (existing && existing.tenantId !== request.tenantId) throw invalid(`Project ${request.projetId} belongs to another tenant.`);
  }
  if (request.kind === 'responsys' && (await credentials.get('responsys', request.userName))) {
    throw invalid(`User ${request.userName} already exists: revoke it first.`);
  }
  // Apidae keys are what its clients accept (20 letters and digits, ~119 bits); the others 32 base64url characters.
  const secret = request.kind === 'apidae' ? randomAlphanumeric(20) : randomToken(24);
  const credential = await credentialRecord(request, secret);
  await store(credential);
  return { secret, credential: summaryOf(credential) };
}

/**
 * Stores a credential whose secret the operator chose (seed import). Idempotent: a Responsys password
 * that still verifies keeps its hash (and its cost), so a re-import changes nothing.
 */
export async function importCredential(grant: CredentialRequest, secret: string): Promise<void> {
  let passwordHash: string | undefined;
  if (grant.kind === 'responsys') {
    const existing = await ports().credentials.get('responsys', grant.userName);
    const keep = existing?.tenantId === grant.tenantId && existing.secretHash && (await verifyPassword(secret, existing.secretHash));
    if (keep) passwordHash = existing.secretHash;
  }
  await store(await credentialRecord(grant, secret, passwordHash));
}

/** A tenant's credentials, without the Responsys session tokens (they come and go with logins). */
export async function listCredentials(tenantId: string): Promise<CredentialSummary[]> {
  return (await ports().credentials.listOfTenant(tenantId)).filter((c) => c.kind !== 'responsys-token').map(summaryOf);
}

/**
 * Revokes a credential by its id; for a Responsys user, its open session tokens too. Reads are strongly
 * consistent, so the next request with the revoked secret is refused.
 */
export async function revokeCredential(tenantId: string, credentialId: string): Promise<{ revoked: CredentialSummary; tokens: number }> {
  const all = await ports().credentials.listOfTenant(tenantId);
  const target = all.find((c) => c.credentialId === credentialId && c.kind !== 'responsys-token');
  if (!target) throw notFound(`No credential ${credentialId} in tenant ${tenantId}.`);
  await ports().credentials.remove(target.kind, target.lookupId);
  const tokens = target.kind === 'responsys' ? all.filter((c) => c.kind === 'responsys-token' && c.principalId === target.lookupId) : [];
  await Promise.all(tokens.map((token) => ports().credentials.remove(token.kind, token.lookupId)));
  return { revoked: summaryOf(target), tokens: tokens.length };
}

/** Makes credentials and tenants stored before the admin listings listable (an idempotent migration). */
export const migrateListings = () => ports().credentials.backfillListings();
