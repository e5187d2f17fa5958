/**
 * Issuing, listing and revoking credentials (the admin CLI's operations). A secret is generated here,
 * returned once to the operator and stored only as a hash; listings never carry one.
 */
import { hashPassword, randomToken, sha256 } from '#shared/crypto.ts';
import { deleteCredential, getCredential, listTenantCredentials, putCredential } from '#shared/db/credentials.ts';
import { getPublisher, getTenant } from '#shared/db/directory.ts';
import { AppError, notFound } from '#shared/errors.ts';

import type { Credential, NetuxScope, RateLimit } from './credential.ts';

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

/** Creates a credential with a fresh secret; returns the secret (shown once) and the stored summary. */
export async function issueCredential(request: CredentialRequest): Promise<{ secret: string; credential: CredentialSummary }> {
  if (!(await getTenant(request.tenantId))) throw notFound(`Tenant ${request.tenantId} does not exist.`);
  const secret = randomToken(24);
  const base = { tenantId: request.tenantId, ...(request.rateLimit ? { rateLimit: request.rateLimit } : {}) };
  let credential: Credential;
  switch (request.kind) {
    case 'netux':
      if (request.scopes.length === 0) throw invalid('A Netux token needs at least one scope (read, write, bulk).');
      credential = {
        ...base,
        kind: 'netux',
        lookupId: sha256(secret),
        credentialId: credentialIdOf('netux', sha256(secret)),
        scopes: request.scopes,
      };
      break;
    case 'engagement':
      if (!(await getPublisher(request.tenantId, request.publisherId)))
        throw invalid(`Publisher ${request.publisherId} does not exist in tenant ${request.tenantId}.`);
      credential = {
        ...base,
        kind: 'engagement',
        lookupId: sha256(secret),
        credentialId: credentialIdOf('engagement', sha256(secret)),
        principalId: request.publisherId,
      };
      break;
    case 'apidae': {
      const lookupId = String(request.projetId);
      // A project has one key: issuing again replaces it (the old key stops working at once).
      const existing = await getCredential('apidae', lookupId);
      if (existing && existing.tenantId !== request.tenantId) throw invalid(`Project ${lookupId} belongs to another tenant.`);
      credential = {
        ...base,
        kind: 'apidae',
        lookupId,
        credentialId: credentialIdOf('apidae', lookupId),
        secretHash: sha256(secret),
        access: request.access,
      };
      break;
    }
    case 'responsys': {
      const existing = await getCredential('responsys', request.userName);
      if (existing) throw invalid(`User ${request.userName} already exists: revoke it first.`);
      credential = {
        ...base,
        kind: 'responsys',
        lookupId: request.userName,
        credentialId: credentialIdOf('responsys', request.userName),
        secretHash: await hashPassword(secret),
      };
      break;
    }
  }
  if (!(await putCredential(credential))) throw invalid('This identifier already belongs to another tenant.');
  return { secret, credential: summaryOf(credential) };
}

/** A tenant's credentials, without the Responsys session tokens (they come and go with logins). */
export async function listCredentials(tenantId: string): Promise<CredentialSummary[]> {
  return (await listTenantCredentials(tenantId)).filter((c) => c.kind !== 'responsys-token').map(summaryOf);
}

/**
 * Revokes a credential by its id; for a Responsys user, its open session tokens too. Reads are strongly
 * consistent, so the next request with the revoked secret is refused.
 */
export async function revokeCredential(tenantId: string, credentialId: string): Promise<{ revoked: CredentialSummary; tokens: number }> {
  const all = await listTenantCredentials(tenantId);
  const target = all.find((c) => c.credentialId === credentialId && c.kind !== 'responsys-token');
  if (!target) throw notFound(`No credential ${credentialId} in tenant ${tenantId}.`);
  await deleteCredential(target.kind, target.lookupId);
  const tokens = target.kind === 'responsys' ? all.filter((c) => c.kind === 'responsys-token' && c.principalId === target.lookupId) : [];
  await Promise.all(tokens.map((token) => deleteCredential(token.kind, token.lookupId)));
  return { revoked: summaryOf(target), tokens: tokens.length };
}
