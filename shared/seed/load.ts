/**
 * Loads a parsed seed file into the table. Idempotent: loading the same file twice changes nothing
 * (unchanged organizations are not rewritten, a password that still verifies keeps its hash).
 */
import { type CredentialRequest, importCredential } from '#shared/domain/credential-admin.ts';
import { linkDiffuseur, mapClientId, putAccessList, putApp, putPublisher, putTenant, setClicks } from '#shared/domain/directory-admin.ts';
import { emptyMemberData, type Organization } from '#shared/domain/organization.ts';
import { importOrganizations, type ImportRecord, OrganizationImportError } from '#shared/domain/organization-import.ts';
import { ports } from '#shared/domain/ports.ts';
import { AppError } from '#shared/errors.ts';

import { type SeedFile, SeedFileError, type SeedTenant } from './schema.ts';

export interface SeedProgress {
  tenantId: string;
  /** Organizations of the whole file done so far (written or unchanged), and how many the file holds. */
  organizationsDone: number;
  organizationsTotal: number;
  written: number;
  unchanged: number;
}

export interface LoadOptions {
  /** Organizations in flight at once (default 16). */
  concurrency?: number;
  /** Organizations per `importOrganizations` call (default 500). */
  batchSize?: number;
  onProgress?: (progress: SeedProgress) => void;
}

export const DEFAULT_BATCH_SIZE = 500;

/** Every credential of the seed through the domain's import (the same records the admin CLI writes). */
export async function loadCredentials(t: { id: string; credentials: SeedTenant['credentials'] }, where = `tenants.${t.id}`): Promise<void> {
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
      if (error instanceof AppError) throw new SeedFileError(`${where}.credentials.${path}: ${error.message}`);
      throw error;
    }
  }
}

/** A seed organization as a domain record (the domain fills in version and applied operations). */
export function toRecord(o: SeedTenant['organizations'][number]): ImportRecord {
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

async function loadOrganizations(t: SeedTenant, options: LoadOptions, progress: SeedProgress): Promise<void> {
  // Depth order: every parent is in an earlier call or earlier in the same one (which writes it first).
  const depth = depths(t.organizations);
  const ordered = t.organizations.map((o, index) => ({ o, index })).sort((a, b) => depth.get(a.o.id)! - depth.get(b.o.id)!);
  const size = options.batchSize ?? DEFAULT_BATCH_SIZE;
  for (let start = 0; start < ordered.length; start += size) {
    const batch = ordered.slice(start, start + size);
    try {
      const counts = await importOrganizations(
        t.id,
        batch.map(({ o }) => toRecord(o)),
        { concurrency: options.concurrency },
      );
      progress.written += counts.written;
      progress.unchanged += counts.unchanged;
    } catch (error) {
      if (!(error instanceof OrganizationImportError)) throw error;
      throw new SeedFileError(
        error.failures
          .map((f) => `tenants.${t.id}.organizations.${batch[f.index]!.index} (${batch[f.index]!.o.id}): ${f.message}`)
          .join('\n'),
      );
    }
    progress.organizationsDone += batch.length;
    options.onProgress?.({ ...progress, tenantId: t.id });
  }
  if (t.organizations.length > 0)
    await ports().organizations.raiseIntIdFloor(
      t.id,
      t.organizations.reduce((max, o) => Math.max(max, o.intId), 0),
    );
}

/** Loads a parsed seed file (the JSON document form); returns the organization counts. */
export async function loadSeed(seed: SeedFile, options: LoadOptions = {}): Promise<SeedProgress> {
  const progress: SeedProgress = {
    tenantId: '',
    organizationsDone: 0,
    organizationsTotal: seed.tenants.reduce((n, t) => n + t.organizations.length, 0),
    written: 0,
    unchanged: 0,
  };
  options.onProgress?.({ ...progress, tenantId: seed.tenants[0]?.id ?? '' });
  for (const t of seed.tenants) {
    await putTenant({ id: t.id, name: t.name });
    await Promise.all(t.apps.map((app) => putApp(t.id, app)));
    await loadCredentials(t);
    for (const { diffuseurs: _links, ...publisher } of t.publishers) await putPublisher(t.id, publisher);
    for (const { id, diffuseurs } of t.publishers) await Promise.all(diffuseurs.map((diffuseur) => linkDiffuseur(t.id, id, diffuseur)));
    await loadOrganizations(t, options, progress);
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
  return progress;
}
