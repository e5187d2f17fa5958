/**
 * Loads a parsed seed file into the table. Idempotent: loading the same file twice changes nothing
 * (unchanged organizations are not rewritten, a password that still verifies keeps its hash).
 */
import { mapWithConcurrency } from '#shared/concurrency.ts';
import { type CredentialRequest, importCredential } from '#shared/domain/credential-admin.ts';
import { linkDiffuseur, mapClientId, putAccessList, putApp, putPublisher, putTenant, setClicks } from '#shared/domain/directory-admin.ts';
import { emptyMemberData, type Organization } from '#shared/domain/organization.ts';
import { importOrganizations, type ImportRecord } from '#shared/domain/organization-writes.ts';
import { ports } from '#shared/domain/ports.ts';
import { AppError } from '#shared/errors.ts';

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

/** Every credential of the seed through the domain's import (the same records the admin CLI writes). */
async function loadCredentials(t: SeedTenant): Promise<void> {
  const grants: [string, CredentialRequest, string][] = [
    ...t.credentials.engagement.map((c, i): [string, CredentialRequest, string] => [
      `engagement.${i}`,
      { tenantId: t.id, rateLimit: c.rateLimit, kind: 'engagement', publisherId: c.publisher },
      c.key,
    ]),
    ...t.credentials.netux.map((c, i): [string, CredentialRequest, string] => [
      `netux.${i}`,
      { tenantId: t.id, rateLimit: c.rateLimit, kind: 'netux', scopes: c.scopes },
      c.token,
    ]),
    ...t.credentials.apidae.map((c, i): [string, CredentialRequest, string] => [
      `apidae.${i}`,
      { tenantId: t.id, rateLimit: c.rateLimit, kind: 'apidae', projetId: c.projetId, access: c.access },
      c.apiKey,
    ]),
    ...t.credentials.responsys.map((c, i): [string, CredentialRequest, string] => [
      `responsys.${i}`,
      { tenantId: t.id, rateLimit: c.rateLimit, kind: 'responsys', userName: c.userName },
      c.password,
    ]),
  ];
  for (const [path, grant, secret] of grants) {
    try {
      await importCredential(grant, secret);
    } catch (error) {
      if (error instanceof AppError) throw new SeedFileError(`tenants.${t.id}.credentials.${path}: ${error.message}`);
      throw error;
    }
  }
}

/** A seed organization as a domain record (the domain fills in version and applied operations). */
function toRecord(o: SeedTenant['organizations'][number]): ImportRecord {
  const { sponsor, ...member } = o.member ?? { ...emptyMemberData(), sponsor: null };
  const record: Omit<Organization, 'version' | 'appliedOps' | 'createdAt'> = {
    id: o.id,
    intId: o.intId,
    label: o.label,
    name: o.name,
    description: o.description,
    isActive: o.isActive,
    properties: o.properties,
    appId: o.app,
    logo: o.logo,
    favicon: o.favicon,
    parentId: o.parent,
    member: { ...member, sponsorIntId: sponsor },
  };
  return o.createdAt ? { ...record, createdAt: o.createdAt } : record;
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

/** Organizations per batched write of the import (several transactions of up to 100 items each). */
const IMPORT_BATCH = 100;

async function loadOrganizations(t: SeedTenant, options: LoadOptions): Promise<void> {
  let done = 0;
  const depth = depths(t.organizations);
  const levels: SeedTenant['organizations'][] = [];
  for (const o of t.organizations) (levels[depth.get(o.id)!] ??= []).push(o);
  for (const level of levels) {
    const batches: SeedTenant['organizations'][] = [];
    for (let i = 0; i < (level ?? []).length; i += IMPORT_BATCH) batches.push(level!.slice(i, i + IMPORT_BATCH));
    await mapWithConcurrency(batches, options.concurrency ?? 4, async (batch) => {
      const { refused } = await importOrganizations(t.id, batch.map(toRecord));
      if (refused.length > 0) {
        const [{ id, error }] = refused as [{ id: string; error: unknown }];
        throw new SeedFileError(`tenants.${t.id}.organizations (id ${id}): ${error instanceof Error ? error.message : String(error)}`);
      }
      done += batch.length;
      options.onProgress?.({ tenantId: t.id, organizationsDone: done, organizationsTotal: t.organizations.length });
    });
  }
  if (t.organizations.length > 0)
    await ports().organizations.raiseIntIdFloor(
      t.id,
      t.organizations.reduce((max, o) => Math.max(max, o.intId), 0),
    );
}

export async function loadSeed(seed: SeedFile, options: LoadOptions = {}): Promise<void> {
  for (const t of seed.tenants) {
    await putTenant({ id: t.id, name: t.name });
    await Promise.all(t.apps.map((app) => putApp(t.id, app)));
    await loadCredentials(t);
    for (const { diffuseurs: _links, ...publisher } of t.publishers) await putPublisher(t.id, publisher);
    for (const { id, diffuseurs } of t.publishers) await Promise.all(diffuseurs.map((diffuseur) => linkDiffuseur(t.id, id, diffuseur)));
    await loadOrganizations(t, options);
    for (const m of t.engagementMappings) {
      await mapClientId(t.id, {
        publisherId: m.publisher,
        clientId: m.clientId,
        organization: { id: m.organization },
        allowedPublisherIds: m.publisherIds,
      });
    }
    for (const c of t.engagementClicks) {
      await setClicks(t.id, { organization: { id: c.organization }, partnerId: c.publisher, clicks: c.clicks });
    }
    for (const { organizations, ...list } of t.programs) {
      await putAccessList(t.id, { kind: 'program', ...list, organizationIds: organizations });
    }
    for (const { organizations, ...list } of t.campaigns) {
      await putAccessList(t.id, { kind: 'campaign', ...list, organizationIds: organizations });
    }
  }
}
