/**
 * Loads a parsed seed file into the table. Idempotent: loading the same file twice changes nothing
 * (unchanged organizations are not rewritten, a password that still verifies keeps its hash).
 */
import { isDeepStrictEqual } from 'node:util';

import { mapWithConcurrency } from '#shared/concurrency.ts';
import { hashPassword, sha256, verifyPassword } from '#shared/crypto.ts';
import { putApp } from '#shared/db/apps.ts';
import { getCredential, putCredential } from '#shared/db/credentials.ts';
import { putAccessList, putClientMapping, putDiffusion, putPublisher, putTenant } from '#shared/db/directory.ts';
import { getOrganization, raiseIntIdCounter, saveOrganization } from '#shared/db/organizations.ts';
import type { Credential } from '#shared/domain/credential.ts';
import { credentialIdOf } from '#shared/domain/credential-admin.ts';
import { emptyMemberData, type Organization } from '#shared/domain/organization.ts';

import { type SeedFile, SeedFileError, type SeedTenant } from './schema.ts';

export interface SeedProgress {
  tenantId: string;
  organizationsDone: number;
  organizationsTotal: number;
}

export interface LoadOptions {
  concurrency?: number;
  onProgress?: (progress: SeedProgress) => void;
}

async function storeCredential(credential: Credential, path: string): Promise<void> {
  if (!(await putCredential(credential))) {
    throw new SeedFileError(`${path}: this credential identifier already belongs to another tenant`);
  }
}

async function loadCredentials(t: SeedTenant): Promise<void> {
  const base = (kind: Credential['kind'], lookupId: string, rateLimit?: Credential['rateLimit']) => ({
    kind,
    lookupId,
    tenantId: t.id,
    credentialId: credentialIdOf(kind, lookupId),
    ...(rateLimit ? { rateLimit } : {}),
  });
  for (const [i, c] of t.credentials.engagement.entries()) {
    await storeCredential(
      { ...base('engagement', sha256(c.key), c.rateLimit), principalId: c.publisher },
      `tenants.${t.id}.credentials.engagement.${i}`,
    );
  }
  for (const [i, c] of t.credentials.netux.entries()) {
    await storeCredential({ ...base('netux', sha256(c.token), c.rateLimit), scopes: c.scopes }, `tenants.${t.id}.credentials.netux.${i}`);
  }
  for (const [i, c] of t.credentials.apidae.entries()) {
    await storeCredential(
      { ...base('apidae', String(c.projetId), c.rateLimit), secretHash: sha256(c.apiKey), access: c.access },
      `tenants.${t.id}.credentials.apidae.${i}`,
    );
  }
  for (const [i, c] of t.credentials.responsys.entries()) {
    const existing = await getCredential('responsys', c.userName);
    const keep = existing?.tenantId === t.id && existing.secretHash && (await verifyPassword(c.password, existing.secretHash));
    const secretHash = keep ? existing.secretHash! : await hashPassword(c.password);
    await storeCredential({ ...base('responsys', c.userName, c.rateLimit), secretHash }, `tenants.${t.id}.credentials.responsys.${i}`);
  }
}

function toOrganization(o: SeedTenant['organizations'][number], previous: Organization | undefined): Organization {
  const member = o.member ?? { ...emptyMemberData(), sponsor: null };
  const { sponsor, ...memberData } = member;
  return {
    id: o.id,
    intId: o.intId,
    label: o.label,
    name: o.name,
    description: o.description,
    createdAt: o.createdAt ?? previous?.createdAt ?? new Date().toISOString(),
    isActive: o.isActive,
    properties: o.properties,
    appId: o.app,
    logo: o.logo,
    favicon: o.favicon,
    parentId: o.parent,
    member: { ...memberData, sponsorIntId: sponsor },
    version: previous?.version ?? 1,
    appliedOps: previous?.appliedOps ?? {},
  };
}

/** Depth of each organization in the seed's tree: parents are written before their children. */
function depths(organizations: SeedTenant['organizations']): Map<string, number> {
  const parentOf = new Map(organizations.map((o) => [o.id, o.parent]));
  const depth = new Map<string, number>();
  const depthOf = (id: string): number => {
    const known = depth.get(id);
    if (known !== undefined) return known;
    const parent = parentOf.get(id);
    const value = parent ? depthOf(parent) + 1 : 0;
    depth.set(id, value);
    return value;
  };
  organizations.forEach((o) => depthOf(o.id));
  return depth;
}

async function loadOrganizations(t: SeedTenant, options: LoadOptions): Promise<void> {
  let done = 0;
  const depth = depths(t.organizations);
  const levels: SeedTenant['organizations'][] = [];
  for (const o of t.organizations) (levels[depth.get(o.id)!] ??= []).push(o);
  for (const level of levels) {
    await mapWithConcurrency(level ?? [], options.concurrency ?? 16, async (o) => {
      const previous = await getOrganization(t.id, o.id);
      const next = toOrganization(o, previous);
      if (!previous || !isDeepStrictEqual(previous, next)) {
        await saveOrganization(t.id, previous ? { ...next, version: previous.version + 1 } : next, previous);
      }
      done += 1;
      options.onProgress?.({ tenantId: t.id, organizationsDone: done, organizationsTotal: t.organizations.length });
    });
  }
  if (t.organizations.length > 0)
    await raiseIntIdCounter(
      t.id,
      t.organizations.reduce((max, o) => Math.max(max, o.intId), 0),
    );
}

export async function loadSeed(seed: SeedFile, options: LoadOptions = {}): Promise<void> {
  for (const t of seed.tenants) {
    await putTenant({ id: t.id, name: t.name });
    await Promise.all(t.apps.map((app) => putApp(t.id, app)));
    await loadCredentials(t);
    for (const { diffuseurs, ...publisher } of t.publishers) {
      await putPublisher(t.id, publisher);
      await Promise.all(diffuseurs.map((diffuseur) => putDiffusion(t.id, publisher.id, diffuseur)));
    }
    await loadOrganizations(t, options);
    for (const m of t.engagementMappings) {
      await putClientMapping(t.id, {
        publisherId: m.publisher,
        clientId: m.clientId,
        organizationId: m.organization,
        allowedPublisherIds: m.publisherIds,
      });
    }
    for (const [kind, lists] of [
      ['program', t.programs],
      ['campaign', t.campaigns],
    ] as const) {
      for (const { organizations, ...list } of lists) {
        await putAccessList(t.id, { kind, ...list, organizationIds: organizations });
      }
    }
  }
}
