/**
 * Key builders: the only place that knows how items are addressed in the single table.
 * Tenant data lives in the tenant's partition (`T#<tenant>`), so every query is tenant-scoped by
 * construction; credentials are keyed globally by their own lookup identifier.
 */
import { sha256 } from '#shared/crypto.ts';
import type { MemberIndexField } from '#shared/domain/ports.ts';

/** The `entity` attribute of each kind of item (what a Scan or a table snapshot tells apart). */
export const entity = {
  tenant: 'TENANT',
  organization: 'ORG',
  guard: 'GUARD',
  memberIndex: 'MIDX',
  tombstone: 'TOMBSTONE',
  app: 'APP',
  publisher: 'PUB',
  diffusion: 'DIFF',
  mapping: 'MAP',
  mappingRef: 'REF',
  program: 'PROG',
  campaign: 'CAMP',
  accessListing: 'ALIST',
  task: 'TASK',
  chunk: 'CHUNK',
  chunkItems: 'CHUNK_ITEMS',
  idempotencyKey: 'IDEM',
  credential: 'CRED',
} as const;

export const tenantPk = (tenantId: string) => `T#${tenantId}`;

export const keys = {
  tenant: (tenantId: string) => ({ PK: tenantPk(tenantId), SK: 'TENANT' }),
  organization: (tenantId: string, id: string) => ({ PK: tenantPk(tenantId), SK: `ORG#${id}` }),
  organizationPrefix: 'ORG#',
  /** Uniqueness guards and strongly consistent lookups: one item per label and per integer id. */
  label: (tenantId: string, label: string) => ({ PK: tenantPk(tenantId), SK: `LABEL#${label}` }),
  intId: (tenantId: string, intId: number) => ({ PK: tenantPk(tenantId), SK: `INTID#${intId}` }),
  /** Marks a bulk delete as applied, so a retried chunk does not report the item as missing. */
  appliedDelete: (tenantId: string, opId: string) => ({ PK: tenantPk(tenantId), SK: `OPDONE#${opId}` }),
  /** Reverse references, so a delete finds what points at an organization without a scan. */
  /**
   * Member index items (`MIDX#<field>#<value>#<orgId>`): written in the same transaction as the
   * organization, so a query by an indexed member field is strongly consistent and reads only the
   * matching members. Values are URI-encoded so a `#` inside a value cannot widen a prefix.
   */
  memberIndex: (tenantId: string, field: MemberIndexField, value: string | number, orgId: string) => ({
    PK: tenantPk(tenantId),
    SK: `MIDX#${field}#${encodeURIComponent(String(value))}#${orgId}`,
  }),
  memberIndexPrefix: (field: MemberIndexField, value: string | number) => `MIDX#${field}#${encodeURIComponent(String(value))}#`,
  mappingRef: (tenantId: string, orgId: string, publisherId: string, clientId: string) => ({
    PK: tenantPk(tenantId),
    SK: `ORGMAP#${orgId}#${publisherId}#${clientId}`,
  }),
  mappingRefPrefix: (orgId: string) => `ORGMAP#${orgId}#`,
  app: (tenantId: string, id: string) => ({ PK: tenantPk(tenantId), SK: `APP#${id}` }),
  appPrefix: 'APP#',
  publisher: (tenantId: string, id: string) => ({ PK: tenantPk(tenantId), SK: `PUB#${id}` }),
  /** `diffuseur` broadcasts the missions of `annonceur`. */
  diffusion: (tenantId: string, annonceurId: string, diffuseurId: string) => ({
    PK: tenantPk(tenantId),
    SK: `DIFF#${annonceurId}#${diffuseurId}`,
  }),
  diffusionPrefix: (annonceurId: string) => `DIFF#${annonceurId}#`,
  /** Engagement mapping (publisher, client id) → organization, with its allow-list. */
  clientMapping: (tenantId: string, publisherId: string, clientId: string) => ({
    PK: tenantPk(tenantId),
    SK: `MAP#${publisherId}#${clientId}`,
  }),
  program: (tenantId: string, name: string) => ({ PK: tenantPk(tenantId), SK: `PROG#${name}` }),
  programPrefix: 'PROG#',
  campaign: (tenantId: string, name: string) => ({ PK: tenantPk(tenantId), SK: `CAMP#${name}` }),
  campaignPrefix: 'CAMP#',
  /**
   * Listing entries of programs and campaigns (`ALIST#<kind>#<facet>#<id>#<name hash>`, facet `all`,
   * `status=…` or `type=…`): the list without its access set, in id order, so a page reads only entries.
   */
  accessListing: (tenantId: string, kind: string, facet: string, id: number, name: string) => ({
    PK: tenantPk(tenantId),
    SK: `ALIST#${kind}#${facet}#${String(id).padStart(16, '0')}#${sha256(name).slice(0, 16)}`,
  }),
  accessListingPrefix: (kind: string, facet: string) => `ALIST#${kind}#${facet}#`,
  task: (tenantId: string, taskId: string) => ({ PK: tenantPk(tenantId), SK: `TASK#${taskId}` }),
  taskChunk: (tenantId: string, taskId: string, chunk: number) => ({
    PK: tenantPk(tenantId),
    SK: `TASK#${taskId}#CHUNK#${String(chunk).padStart(5, '0')}`,
  }),
  /** A chunk's items, apart from its (small, often rewritten) outcome record. */
  taskChunkItems: (tenantId: string, taskId: string, chunk: number) => ({
    PK: tenantPk(tenantId),
    SK: `TASK#${taskId}#ITEMS#${String(chunk).padStart(5, '0')}`,
  }),
  openTaskPartition: 'TASKS#OPEN',
  openTask: (tenantId: string, taskId: string, createdAt: string) => ({
    GSI1PK: 'TASKS#OPEN',
    GSI1SK: `${createdAt}#${tenantId}#${taskId}`,
  }),
  taskChunkPrefix: (taskId: string) => `TASK#${taskId}#CHUNK#`,
  idempotencyKey: (tenantId: string, key: string) => ({ PK: tenantPk(tenantId), SK: `IDEM#${key}` }),
  credential: (kind: string, lookupId: string) => ({ PK: `CRED#${kind}#${lookupId}`, SK: 'CRED' }),
  /** GSI1 keys that list a tenant's credentials (admin only; Responsys tokens sort under their user's id). */
  credentialListing: (tenantId: string, kind: string, credentialId: string, lookupId: string) => ({
    GSI1PK: `${tenantPk(tenantId)}#CREDS`,
    GSI1SK: `${kind}#${credentialId}#${lookupId}`,
  }),
  credentialListingPartition: (tenantId: string) => `${tenantPk(tenantId)}#CREDS`,
  /** GSI1 keys that list tenants (admin only). */
  tenantListing: (tenantId: string) => ({ GSI1PK: 'TENANTS', GSI1SK: tenantId }),
  tenantListingPartition: 'TENANTS',
  publisherPrefix: 'PUB#',
  clientMappingPrefix: (publisherId: string) => `MAP#${publisherId}#`,
  rateWindow: (credentialKey: string, windowStart: number) => ({ PK: `RL#${credentialKey}#${windowStart}`, SK: 'RL' }),
  /**
   * Responsys login attempts of one window, per user name (as its SHA-256: any client text, bounded) and
   * per client address. Under `RL#` with the other counters: counting a refused attempt is their point.
   */
  loginAttemptsOfUser: (userNameHash: string, windowStart: number) => ({ PK: `RL#login-user#${userNameHash}#${windowStart}`, SK: 'RL' }),
  loginAttemptsOfAddress: (address: string, windowStart: number) => ({ PK: `RL#login-address#${address}#${windowStart}`, SK: 'RL' }),
};
