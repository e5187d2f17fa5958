/**
 * Creating, changing and deleting organizations. Every change is read → modify → conditional write
 * on the version; on a concurrent change the whole step is re-run on the fresh state, so concurrent
 * writers end in some serial order and no field is lost.
 */
import { isDeepStrictEqual } from 'node:util';

import { newHexId, sha256 } from '#shared/crypto.ts';
import { AppError, notFound, validationError } from '#shared/errors.ts';

import { rerunLostRaces } from './lost-races.ts';
import { type MemberData, newOrganization, type Organization, type OrganizationKey } from './organization.ts';
import { findAppId, resolveOrganizationId } from './organizations.ts';
import { type DeleteCleanups, IN_PLACE_BATCH_LIMIT, type InPlaceFields, type InPlaceWrite, type LayoutProgress, ports } from './ports.ts';

/** The writable fields of an organization, as the dialects accept them. */
export interface OrganizationFields {
  label?: string;
  name?: string;
  description?: string;
  favicon?: string | null;
  logo?: string | null;
  properties?: Record<string, unknown>;
  isActive?: boolean;
  /** App key: an app id or `~label`; null detaches. */
  app?: string | null;
}

/** Identifies one item of one bulk task, so re-deliveries are recognised. */
export interface OperationId {
  taskId: string;
  index: number;
}

const OPS_RETENTION_MS = 8 * 24 * 3600 * 1000;

/** Resolves an app key to an app id; an unknown app is a validation error on `app`. */
async function resolveApp(tenantId: string, key: string | null | undefined): Promise<string | null | undefined> {
  if (key === undefined || key === null) return key;
  const appId = await findAppId(tenantId, key);
  if (!appId) throw validationError('body', [{ path: ['app'], message: `App "${key}" does not exist.` }], 'Invalid app.');
  return appId;
}

function withFields(
  org: Organization,
  fields: OrganizationFields,
  appId: string | null | undefined,
  mode: 'partial' | 'full',
): Organization {
  const reset = mode === 'full';
  const label = fields.label ?? org.label;
  return {
    ...org,
    label,
    name: fields.name ?? (reset ? label : org.name),
    description: fields.description ?? (reset ? '' : org.description),
    favicon: fields.favicon !== undefined ? fields.favicon : reset ? null : org.favicon,
    logo: fields.logo !== undefined ? fields.logo : reset ? null : org.logo,
    properties: fields.properties ?? (reset ? {} : org.properties),
    isActive: fields.isActive ?? (reset ? true : org.isActive),
    appId: appId !== undefined ? appId : reset ? null : org.appId,
  };
}

const taskCreatedAtMs = (taskId: string) => parseInt(taskId.slice(0, 8), 16) * 1000;
/** Whether a task's applied-operation records are past their retention (no delivery of it can come any more). */
const isExpiredTask = (taskId: string, now: number) => now - taskCreatedAtMs(taskId) > OPS_RETENTION_MS;

/** The applied-operation records to keep (unexpired tasks), plus `op` when given. */
function recordOperation(org: Organization, op: OperationId | undefined): NonNullable<Organization['appliedOps']> {
  const now = Date.now();
  const kept = Object.entries(org.appliedOps ?? {}).filter(([taskId]) => !isExpiredTask(taskId, now));
  if (!op) return Object.fromEntries(kept);
  return { ...Object.fromEntries(kept), [op.taskId]: [...(org.appliedOps?.[op.taskId] ?? []), op.index] };
}

const wasApplied = (org: Organization, op: OperationId | undefined) =>
  op !== undefined && (org.appliedOps?.[op.taskId]?.includes(op.index) ?? false);

/** The turn writes of one organization (by the key they name it with) take in one process (`rerunLostRaces`). */
const turnOf = (tenantId: string, key: OrganizationKey) => `${tenantId}\u0000${'id' in key ? key.id : `~${key.label}`}`;

/** A write that lost a race to a concurrent change of the same organization (worth running again). */
export const isConcurrentChange = (error: unknown) =>
  error instanceof AppError && error.kind === 'conflict' && (error.options.detail as { field?: string } | undefined)?.field === 'version';

/** Deterministic id for a bulk-created organization, so a re-delivered create finds its own result. */
export const organizationIdFor = (op: OperationId) => sha256(`${op.taskId}:${op.index}`).slice(0, 24);

const labelTaken = () => new AppError('conflict', 'Organization with this label already exists.', { detail: { field: 'label' } });

type CreateOptions = { op?: OperationId; intId?: number; parent?: OrganizationKey };

/**
 * A URL-safe label from a name: accents dropped, lowercase, every run of other characters one "-"
 * ("Ça & Là" → "ca-la"); "organization" when nothing is left.
 */
export function labelFromName(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 120)
    .replace(/-+$/, '');
  return slug || 'organization';
}

const isLabelConflict = (error: unknown) =>
  error instanceof AppError && error.kind === 'conflict' && (error.options.detail as { field?: string } | undefined)?.field === 'label';

/**
 * Creates an organization. Without a label, one is derived from the name (labelFromName), then made
 * unique with "-2", "-3", … (reads follow the collisions, not the tenant).
 */
export async function createOrganization(tenantId: string, fields: OrganizationFields, options: CreateOptions = {}): Promise<Organization> {
  if (fields.label !== undefined) return createLabelled(tenantId, { ...fields, label: fields.label }, options);
  if (fields.name === undefined) throw validationError('body', [{ path: ['label'], message: 'This field is required.' }]);
  const base = labelFromName(fields.name);
  for (let n = 1; n <= 100; n++) {
    try {
      return await createLabelled(tenantId, { ...fields, label: n === 1 ? base : `${base}-${n}` }, options);
    } catch (error) {
      if (!isLabelConflict(error)) throw error;
    }
  }
  throw labelTaken();
}

/**
 * Creates an organization with its label, under `parent` when given (one transaction: the parent must
 * still exist). `intId` may come from a block the caller reserved (bulk create).
 */
async function createLabelled(
  tenantId: string,
  fields: OrganizationFields & { label: string },
  options: CreateOptions,
): Promise<Organization> {
  const { op, intId, parent } = options;
  const id = op ? organizationIdFor(op) : newHexId();
  if (op) {
    const existing = await ports().organizations.get(tenantId, id);
    if (existing && wasApplied(existing, op)) return existing;
  }
  const parentId = parent ? await resolveOrganizationId(tenantId, parent) : null;
  if (parentId === undefined) {
    throw validationError(
      'body',
      [{ path: ['parent'], message: 'Parent organization does not exist.' }],
      'Parent organization does not exist.',
    );
  }
  const appId = await resolveApp(tenantId, fields.app);
  // A label already taken is answered before an integer id is drawn (the transaction still enforces
  // uniqueness; only a lost race leaves a gap in the integer ids).
  if (await ports().organizations.idByLabel(tenantId, fields.label)) throw labelTaken();
  const base = newOrganization({ id, intId: intId ?? (await ports().organizations.allocateIntIds(tenantId, 1)), label: fields.label });
  const organization = { ...withFields(base, fields, appId, 'full'), parentId, appliedOps: recordOperation(base, op) };
  try {
    await saveNew(tenantId, organization);
    return organization;
  } catch (error) {
    if (op && error instanceof AppError && (error.options.detail as { field?: string } | undefined)?.field === 'id') {
      const existing = await ports().organizations.get(tenantId, id);
      if (existing && wasApplied(existing, op)) return existing;
    }
    throw error;
  }
}

/** Writes a new organization, re-running a write that lost a race on a shared item (a count shard, a parent). */
const saveNew = (tenantId: string, organization: Organization): Promise<void> =>
  rerunLostRaces('The organization', () => ports().organizations.save(tenantId, organization, undefined), isLostRace);

const isLostRace = (error: unknown) =>
  error instanceof AppError && (error.options.detail as { retryable?: boolean } | undefined)?.retryable === true;

/**
 * Applies `change` to the current state of an organization and writes it conditionally, re-running
 * on concurrent changes. Returns the stored result.
 */
export async function changeOrganization(
  tenantId: string,
  key: OrganizationKey,
  change: (current: Organization, mustBeUnchanged: Organization[]) => Promise<Organization> | Organization,
  op?: OperationId,
): Promise<Organization> {
  return rerunLostRaces(
    'The organization',
    async () => {
      const id = await resolveOrganizationId(tenantId, key);
      const current = id === undefined ? undefined : await ports().organizations.get(tenantId, id);
      if (!current) throw notFound();
      if (wasApplied(current, op)) return current;
      const mustBeUnchanged: Organization[] = [];
      const changed = await change(current, mustBeUnchanged);
      const next = {
        ...changed,
        id: current.id,
        intId: current.intId,
        createdAt: current.createdAt,
        updatedAt: new Date().toISOString(),
        version: current.version + 1,
        appliedOps: recordOperation(current, op),
      };
      await ports().organizations.save(tenantId, next, current, { mustBeUnchanged });
      return next;
    },
    isConcurrentChange,
    turnOf(tenantId, key),
  );
}

/**
 * Fields a partial update sets in place: the listings, searches, guards and indexes depend on none of them
 * (not `app`: the `app` filter's index entry follows it in the organization's transaction).
 */
const IN_PLACE = new Set(['favicon', 'logo', 'isActive']);

/**
 * How often an organization updated in place by bulk operations has its applied-operation records
 * pruned: after about one such write in this many (an in-place write neither reads the records nor
 * learns the new version, and the read-modify-write path prunes on every write), so they stay bounded
 * at a cost of one read-modify-write per this many in-place writes.
 */
const PRUNE_ONE_WRITE_IN = 64;

/**
 * Whether this bulk operation's in-place write is followed by a prune: a draw from a hash of the
 * organization and the operation, so each operation on an organization has its own 1-in-64 chance and
 * a re-delivery decides as the first delivery did.
 */
export const isPruneDue = (id: string, op: OperationId): boolean =>
  parseInt(sha256(`${id}:${op.taskId}:${op.index}`).slice(0, 8), 16) % PRUNE_ONE_WRITE_IN === 0;

/** An update through the API: the organization as written. */
export async function updateOrganization(
  tenantId: string,
  key: OrganizationKey,
  fields: OrganizationFields,
  mode: 'partial' | 'full',
): Promise<Organization> {
  return (await update(tenantId, key, fields, mode, { returnOrganization: true }))!;
}

/** An update of a bulk task: applied once whatever its deliveries (`op`); nothing to answer with. */
export async function applyBulkUpdate(
  tenantId: string,
  key: OrganizationKey,
  fields: OrganizationFields,
  mode: 'partial' | 'full',
  op: OperationId,
): Promise<void> {
  await update(tenantId, key, fields, mode, { op, returnOrganization: false });
}

/** One update of a bulk task. */
export interface BulkUpdate {
  key: OrganizationKey;
  fields: OrganizationFields;
  mode: 'partial' | 'full';
  op: OperationId;
}

/** Whether an update only sets fields no index or guard depends on (one UpdateItem, no read first). */
const isInPlace = (fields: OrganizationFields, mode: 'partial' | 'full') =>
  mode === 'partial' && Object.entries(fields).every(([field, value]) => value === undefined || IN_PLACE.has(field));

/**
 * Up to IN_PLACE_BATCH_LIMIT bulk updates on distinct organizations, applied in one round trip where they
 * can be: in-place changes without an app to resolve, each the first of its task on its organization.
 * Returns, per update, whether it was applied here; the others (and any the batch did not apply) are
 * for `applyBulkUpdate`, one by one, which tells their outcomes apart.
 */
export async function applyBulkUpdateBatch(tenantId: string, updates: BulkUpdate[]): Promise<boolean[]> {
  if (updates.length > IN_PLACE_BATCH_LIMIT) throw new Error(`At most ${IN_PLACE_BATCH_LIMIT} updates a batch`);
  const updatedAt = new Date().toISOString();
  const writes = await Promise.all(
    updates.map(async ({ key, fields, mode, op }): Promise<InPlaceWrite | undefined> => {
      if (!isInPlace(fields, mode)) return undefined;
      const id = 'id' in key ? key.id : await resolveOrganizationId(tenantId, key);
      if (id === undefined) return undefined;
      return { id, fields: { ...(fields as InPlaceFields), updatedAt }, op };
    }),
  );
  const sent = writes.filter((write) => write !== undefined);
  const results = await ports().organizations.updateInPlaceBatch(tenantId, sent);
  const applied = new Set(sent.filter((_, i) => results[i]));
  await Promise.all([...applied].filter((write) => isPruneDue(write.id, write.op)).map((write) => pruneAppliedOps(tenantId, write.id)));
  return writes.map((write) => write !== undefined && applied.has(write));
}

async function update(
  tenantId: string,
  key: OrganizationKey,
  fields: OrganizationFields,
  mode: 'partial' | 'full',
  options: { op?: OperationId; returnOrganization: boolean },
): Promise<Organization | undefined> {
  const appId = await resolveApp(tenantId, fields.app);
  // A partial change of fields no index depends on: one UpdateItem, no read first.
  if (isInPlace(fields, mode)) {
    const id = await resolveOrganizationId(tenantId, key);
    if (id === undefined) throw notFound();
    const result = await ports().organizations.updateInPlace(
      tenantId,
      id,
      { ...(fields as InPlaceFields), updatedAt: new Date().toISOString() },
      options,
    );
    if (result.outcome === 'missing') throw notFound();
    if (result.outcome !== 'needs-read') {
      // Only bulk operations add records, so only their writes prune (an API write records nothing).
      if (result.outcome === 'updated' && options.op && isPruneDue(id, options.op)) await pruneAppliedOps(tenantId, id);
      return result.organization;
    }
    // The key is resolved: the read-modify-write path does not look the label up again.
    key = { id };
  }
  return changeOrganization(tenantId, key, (current) => withFields(current, fields, appId, mode), options.op);
}

/**
 * Drops applied-operation records older than their task's retention (the read-modify-write path prunes
 * as it writes). A prune is housekeeping: its failure is not the write's, the next draw tries again.
 */
async function pruneAppliedOps(tenantId: string, id: string): Promise<void> {
  const now = Date.now();
  await ports()
    .organizations.pruneAppliedOps(tenantId, id, (taskId) => isExpiredTask(taskId, now))
    .catch(() => undefined);
}

/**
 * The delete rule's clean-ups: the organization leaves every program and campaign access set, its
 * Engagement mappings and click counts go, and the members it sponsors lose their sponsor.
 */
async function deleteCleanups(tenantId: string, organization: Organization): Promise<DeleteCleanups> {
  const [programs, campaigns, mappings, clicks, sponsoredIds] = await Promise.all([
    ports().directory.listAccessLists(tenantId, 'program'),
    ports().directory.listAccessLists(tenantId, 'campaign'),
    ports().directory.listMappingsOfOrganization(tenantId, organization.id),
    ports().directory.listClicks(tenantId, organization.id),
    ports().organizations.idsByMember(tenantId, 'parrain', organization.intId),
  ]);
  const sponsored = await ports().organizations.getMany(
    tenantId,
    sponsoredIds.filter((id) => id !== organization.id),
  );
  return {
    accessLists: [...programs, ...campaigns]
      .filter((list) => list.organizationIds.includes(organization.id))
      .map((list) => ({ list, organizationIds: list.organizationIds.filter((id) => id !== organization.id) })),
    mappings,
    clicks,
    rewrites: sponsored.map((previous) => ({
      previous,
      next: {
        ...previous,
        member: { ...previous.member, sponsorIntId: null },
        updatedAt: new Date().toISOString(),
        version: previous.version + 1,
      },
    })),
  };
}

/**
 * Deletes an organization per the delete rule: refused while it has children (a validation error
 * naming them); otherwise removed with every reference to it, atomically.
 */
export async function deleteOrganization(tenantId: string, key: OrganizationKey, op?: OperationId): Promise<void> {
  const opId = op ? `${op.taskId}:${op.index}` : undefined;
  await rerunLostRaces(
    'The organization',
    async () => {
      const id = await resolveOrganizationId(tenantId, key);
      const current = id === undefined ? undefined : await ports().organizations.get(tenantId, id);
      if (!current) {
        if (opId && (await ports().organizations.wasDeleteApplied(tenantId, opId))) return;
        throw notFound();
      }
      try {
        await ports().organizations.remove(tenantId, current, await deleteCleanups(tenantId, current), opId);
      } catch (error) {
        // The conditional delete also fails while children exist (their count lives on the parent).
        const children = isConcurrentChange(error) ? await ports().organizations.childIds(tenantId, current.id) : [];
        if (children.length > 0) {
          throw validationError(
            'body',
            [{ path: ['children'], message: `Organization has children and cannot be deleted: ${children.join(', ')}.` }],
            'Organization has children.',
          );
        }
        throw error;
      }
    },
    isConcurrentChange,
    turnOf(tenantId, key),
  );
}

/**
 * Moves an organization under another parent (or to the root with `null`). Refuses a parent that does
 * not exist or that would make a cycle. One conditional write (plus the parents' child counts).
 */
export async function moveOrganization(tenantId: string, key: OrganizationKey, parentKey: OrganizationKey | null): Promise<Organization> {
  return changeOrganization(tenantId, key, async (current, mustBeUnchanged) => {
    if (parentKey === null) return { ...current, parentId: null };
    const parentId = await resolveOrganizationId(tenantId, parentKey);
    const invalid = (message: string) => new AppError('validation', message, { location: 'body', issues: [{ path: ['parent'], message }] });
    if (parentId === undefined) throw invalid('Parent organization does not exist.');
    for (let at: string | null = parentId; at;) {
      if (at === current.id) throw invalid('An organization cannot be moved under itself or its descendants.');
      const ancestor = await ports().organizations.get(tenantId, at);
      if (!ancestor) throw invalid('Parent organization does not exist.');
      // The chain checked must still hold when the move is written (a concurrent move could close a cycle).
      mustBeUnchanged.push(ancestor);
      at = ancestor.parentId;
    }
    return { ...current, parentId };
  });
}

/** Replaces an organization's Apidae member data; a sponsor must be an existing member. */
export async function setMemberData(tenantId: string, key: OrganizationKey, member: MemberData): Promise<Organization> {
  if (member.sponsorIntId !== null && !(await ports().organizations.idByIntId(tenantId, member.sponsorIntId))) {
    throw validationError(
      'body',
      [{ path: ['sponsor'], message: 'unknown member' }],
      `Sponsor member ${member.sponsorIntId} does not exist.`,
    );
  }
  return changeOrganization(tenantId, key, (current) => ({ ...current, member }));
}

/** An organization as a seed file gives it (the domain fills in version and applied operations). */
export type ImportRecord = Omit<Organization, 'version' | 'appliedOps' | 'createdAt'> & { createdAt?: string };

/**
 * Writes an organization record as given (seed import): created when new, rewritten only when it
 * differs from what is stored (so a re-run changes nothing), through the same guarded write as every
 * other path. Returns whether anything was written.
 */
export async function importOrganization(tenantId: string, record: ImportRecord): Promise<boolean> {
  const previous = await ports().organizations.get(tenantId, record.id);
  const now = new Date().toISOString();
  const next: Organization = {
    ...record,
    createdAt: record.createdAt ?? previous?.createdAt ?? now,
    ...(previous?.updatedAt === undefined ? {} : { updatedAt: previous.updatedAt }),
    version: previous?.version ?? 1,
    appliedOps: previous?.appliedOps ?? {},
  };
  if (previous && isDeepStrictEqual(previous, next)) return false;
  next.updatedAt = now;
  await ports().organizations.save(tenantId, previous ? { ...next, version: previous.version + 1 } : next, previous);
  return true;
}

/** Moves organizations written in an earlier storage layout to the current one (docs/data-model.md#migration). */
export const migrateDataModel = (onProgress?: (progress: LayoutProgress) => void) => ports().organizations.migrateLayout(onProgress);

/** Makes the search postings written before they carried sort keys carry them (admin migration; returns how many). */
export const migrateSearchPostings = () => ports().organizations.backfillSearchPostings();
/** Writes the index items of organizations stored before them (member users, filters), and marks the tenants (admin migration). */
export const migrateIndexEntries = () => ports().organizations.backfillIndexEntries();
export const migrateGramVocabulary = () => ports().organizations.backfillGramVocabulary();

/** Settles the listing and index entries an interrupted import left unconfirmed (admin migration; returns how many). */
export const settleImportedEntries = () => ports().organizations.settleImportedEntries();
