/**
 * The domain's ports in memory, for domain unit tests (no Java, no DynamoDB Local). Each write checks
 * every condition before it changes anything, so a refused write changes nothing, as a DynamoDB
 * transaction would; the conflicts carry the same kinds and fields as shared/db's.
 */
import { sha256 } from '#shared/crypto.ts';
import type { Credential } from '#shared/domain/credential.ts';
import type { AccessList, ClickCount, ClientMapping, Publisher, Tenant } from '#shared/domain/directory.ts';
import { indexedValues } from '#shared/domain/indexed-values.ts';
import type { App, Organization } from '#shared/domain/organization.ts';
import { listingOrder } from '#shared/domain/organizations.ts';
import type { IndexedField, Stores } from '#shared/domain/ports.ts';
import type { Chunk, Task } from '#shared/domain/task.ts';
import { AppError } from '#shared/errors.ts';
import { foldText, trigrams } from '#shared/text.ts';

const conflict = (message: string, field: string) => new AppError('conflict', message, { detail: { field } });
const copy = <T>(value: T): T => structuredClone(value);
const now = () => new Date().toISOString();

export function memoryStores(): Stores & { snapshot(): string } {
  const orgs = new Map<string, { org: Organization; childCount: number }>();
  const guards = new Map<string, string>();
  const counters = new Map<string, number>();
  const tombstones = new Set<string>();
  const tenants = new Map<string, Tenant>();
  const rows = new Map<string, unknown>();
  const credentials = new Map<string, Credential>();
  const windows = new Map<string, number>();
  const tasks = new Map<string, Task>();
  const chunks = new Map<string, Chunk>();
  const idempotency = new Map<string, { taskId: string; bodyDigest: string }>();

  const k = (...parts: (string | number)[]) => parts.join('\u0000');
  const listOf = <T>(prefix: string) => [...rows.entries()].filter(([key]) => key.startsWith(prefix)).map(([, v]) => copy(v as T));
  const tenantOrgs = (t: string) => [...orgs.entries()].filter(([key]) => key.startsWith(k(t, ''))).map(([, v]) => v.org);
  const idsByMember = (t: string, field: IndexedField, value: string | number) =>
    tenantOrgs(t)
      .filter((o) => indexedValues(o).some(([f, v]) => f === field && v === value))
      .sort(listingOrder('intId'))
      .map((o) => o.id);

  return {
    snapshot: () => JSON.stringify({ orgs: [...orgs], guards: [...guards], rows: [...rows], counters: [...counters] }),
    organizations: {
      get: async (t, id) => copy(orgs.get(k(t, id))?.org),
      getMany: async (t, ids) => ids.flatMap((id) => (orgs.has(k(t, id)) ? [copy(orgs.get(k(t, id))!.org)] : [])),
      idByLabel: async (t, label) => guards.get(k(t, 'label', label)),
      idByIntId: async (t, intId) => guards.get(k(t, 'intId', intId)),
      count: async (t) => tenantOrgs(t).length,
      page: async (t, order, descending, offset, limit) =>
        tenantOrgs(t)
          .sort(listingOrder(order, descending))
          .slice(offset, offset + limit)
          .map((o) => o.id),
      allIdPages: async function* (t, pageSize) {
        const ids = tenantOrgs(t).map((o) => o.id);
        for (let at = 0; at < ids.length; at += pageSize) yield ids.slice(at, at + pageSize);
      },
      idsByMember: async (t, field, value) => idsByMember(t, field, value),
      idsWithoutDescription: async (t) => tenantOrgs(t).flatMap((o) => (o.description === '' ? [o.id] : [])),
      indexesComplete: async () => true,
      idPagesByMember: async function* (t, field, values, firstPage) {
        const ids = [...new Set(values.flatMap((value) => idsByMember(t, field, value)))]
          .map((id) => orgs.get(k(t, id))!.org)
          .sort(listingOrder('intId'))
          .map((o) => o.id);
        for (let at = 0, size = Math.max(1, firstPage); at < ids.length; at += size, size *= 4) yield ids.slice(at, at + size);
      },
      searchCandidates: async (t, scope, needle) => {
        if (needle.length === 0) return undefined;
        // A needle shorter than a trigram is found through the grams that contain it (the vocabulary): as itself.
        const grams = trigrams(needle).length > 0 ? trigrams(needle) : [needle];
        const texts = (o: Organization) => (scope === 'name' ? [o.name] : [o.name, o.label, o.description]);
        // As the postings say: names and labels carry their verdict and sort keys; a description only its doubt.
        const sure = (o: Organization) => (scope === 'name' ? [o.name] : [o.name, o.label]).some((text) => foldText(text).includes(needle));
        const maybe = (o: Organization) => scope !== 'name' && grams.every((gram) => foldText(o.description).includes(gram));
        return tenantOrgs(t)
          .filter((o) => texts(o).some((text) => grams.every((gram) => foldText(text).includes(gram))))
          .map((o) => ({
            id: o.id,
            matches: sure(o) ? true : maybe(o) ? undefined : false,
            sortKeys: { id: o.id, intId: o.intId, label: o.label, name: o.name, createdAt: o.createdAt },
          }));
      },
      childIds: async (t, parentId) =>
        tenantOrgs(t)
          .filter((o) => o.parentId === parentId)
          .map((o) => o.id),
      treeEntries: async (t) => tenantOrgs(t).map(({ id, intId, name, parentId }) => ({ id, intId, name, parentId })),
      allocateIntIds: async (t, count) => {
        const next = (counters.get(t) ?? 0) + count;
        counters.set(t, next);
        return next - count + 1;
      },
      raiseIntIdFloor: async (t, floor) => void counters.set(t, Math.max(counters.get(t) ?? 0, floor)),
      backfillIndexEntries: async () => ({ items: 0, tenants: 0, removed: 0 }),
      backfillSearchPostings: async () => 0,
      backfillGramVocabulary: async () => ({ grams: 0, postings: 0, tenants: 0 }),
      settleImportedEntries: async () => 0,
      async save(t, next, previous, { mustBeUnchanged = [], newMapping } = {}) {
        const stored = orgs.get(k(t, next.id));
        if (!previous && stored) throw conflict('Organization with this id already exists.', 'id');
        if (previous && stored?.org.version !== previous.version) throw conflict('Organization was changed concurrently.', 'version');
        const holder = (kind: string, value: string | number) => guards.get(k(t, kind, value));
        if (previous?.label !== next.label && ![undefined, next.id].includes(holder('label', next.label))) {
          throw conflict('Organization with this label already exists.', 'label');
        }
        if (previous?.intId !== next.intId && ![undefined, next.id].includes(holder('intId', next.intId))) {
          throw conflict('Organization with this integer id already exists.', 'intId');
        }
        if (next.parentId && next.parentId !== previous?.parentId && !orgs.has(k(t, next.parentId))) {
          throw conflict('Parent organization does not exist.', 'version');
        }
        for (const o of mustBeUnchanged) {
          if (orgs.get(k(t, o.id))?.org.version !== o.version) throw conflict('Organization was changed concurrently.', 'version');
        }
        if (newMapping && rows.has(k(t, 'map', newMapping.publisherId, newMapping.clientId))) {
          throw conflict('A related item was written concurrently.', 'together');
        }
        orgs.set(k(t, next.id), { org: copy(next), childCount: stored?.childCount ?? 0 });
        if (previous && previous.label !== next.label) guards.delete(k(t, 'label', previous.label));
        guards.set(k(t, 'label', next.label), next.id);
        guards.set(k(t, 'intId', next.intId), next.id);
        if (previous?.parentId !== next.parentId) {
          if (next.parentId) orgs.get(k(t, next.parentId))!.childCount += 1;
          if (previous?.parentId) orgs.get(k(t, previous.parentId))!.childCount -= 1;
        }
        if (newMapping) rows.set(k(t, 'map', newMapping.publisherId, newMapping.clientId), copy(newMapping));
      },
      async createMany(t, organizations) {
        const refusals: { id: string; error: unknown }[] = [];
        for (const o of organizations) await this.save(t, o, undefined).catch((error: unknown) => refusals.push({ id: o.id, error }));
        return refusals;
      },
      async beginImport() {
        return 1;
      },
      async finishImport() {},
      async updateInPlace(t, id, fields, { op, returnOrganization }) {
        const stored = orgs.get(k(t, id));
        if (!stored) return { outcome: 'missing' };
        const answer = () => (returnOrganization ? { organization: copy(stored.org) } : {});
        if (op && stored.org.appliedOps?.[op.taskId]?.includes(op.index)) return { outcome: 'already-applied', ...answer() };
        const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
        const appliedOps = op
          ? { ...stored.org.appliedOps, [op.taskId]: [...(stored.org.appliedOps?.[op.taskId] ?? []), op.index] }
          : stored.org.appliedOps;
        stored.org = { ...stored.org, ...copy(defined), version: stored.org.version + 1, appliedOps };
        return { outcome: 'updated', ...answer() };
      },
      async updateInPlaceBatch(t, writes) {
        return writes.map(({ id, fields, op }) => {
          const stored = orgs.get(k(t, id));
          if (!stored?.org.appliedOps || stored.org.appliedOps[op.taskId]) return false;
          const defined = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
          const appliedOps = { ...stored.org.appliedOps, [op.taskId]: [op.index] };
          stored.org = { ...stored.org, ...copy(defined), version: stored.org.version + 1, appliedOps };
          return true;
        });
      },
      async pruneAppliedOps(t, id, expired) {
        const stored = orgs.get(k(t, id));
        if (!stored?.org.appliedOps) return;
        stored.org = {
          ...stored.org,
          appliedOps: Object.fromEntries(Object.entries(stored.org.appliedOps).filter(([taskId]) => !expired(taskId))),
        };
      },
      async remove(t, organization, cleanups, appliedOpId) {
        const stored = orgs.get(k(t, organization.id));
        if (stored?.org.version !== organization.version || stored.childCount > 0) {
          throw conflict('Organization was changed concurrently or has children.', 'version');
        }
        for (const { list } of cleanups.accessLists) {
          const current = rows.get(k(t, list.kind, list.name)) as AccessList | undefined;
          if (JSON.stringify(current?.organizationIds) !== JSON.stringify(list.organizationIds)) {
            throw conflict('A related item was written concurrently.', 'version');
          }
        }
        for (const { previous } of cleanups.rewrites) {
          if (orgs.get(k(t, previous.id))?.org.version !== previous.version)
            throw conflict('Organization was changed concurrently.', 'version');
        }
        orgs.delete(k(t, organization.id));
        guards.delete(k(t, 'label', organization.label));
        guards.delete(k(t, 'intId', organization.intId));
        if (organization.parentId) orgs.get(k(t, organization.parentId))!.childCount -= 1;
        for (const { list, organizationIds } of cleanups.accessLists) rows.set(k(t, list.kind, list.name), { ...list, organizationIds });
        for (const m of cleanups.mappings) rows.delete(k(t, 'map', m.publisherId, m.clientId));
        for (const c of cleanups.clicks) rows.delete(k(t, 'clicks', c.organizationId, c.partnerId));
        for (const { next } of cleanups.rewrites) orgs.get(k(t, next.id))!.org = copy(next);
        if (appliedOpId) tombstones.add(k(t, appliedOpId));
      },
      wasDeleteApplied: async (t, opId) => tombstones.has(k(t, opId)),
      // Memory has one layout only.
      migrateLayout: async () => ({ tenants: 0, organizations: 0, total: 0, leftovers: 0 }),
    },
    directory: {
      getTenant: async (id) => copy(tenants.get(id)),
      putTenant: async (tenant) => void tenants.set(tenant.id, copy(tenant)),
      listTenants: async () => [...tenants.values()].map(copy),
      listApps: async (t) => listOf<App>(k(t, 'app', '')),
      putApp: async (t, app) => void rows.set(k(t, 'app', app.id), copy(app)),
      getPublisher: async (t, id) => copy(rows.get(k(t, 'pub', id)) as Publisher | undefined),
      putPublisher: async (t, p) => void rows.set(k(t, 'pub', p.id), copy(p)),
      listPublishers: async (t) => listOf<Publisher>(k(t, 'pub', '')),
      listDiffuseurs: async (t, annonceurId) =>
        listOf<string>(k(t, 'diff', annonceurId, '')).flatMap((id) => {
          const publisher = rows.get(k(t, 'pub', id)) as Publisher | undefined;
          return publisher ? [copy(publisher)] : [];
        }),
      isDiffuseur: async (t, a, d) => rows.has(k(t, 'diff', a, d)),
      putDiffusion: async (t, a, d) => void rows.set(k(t, 'diff', a, d), d),
      deleteDiffusion: async (t, a, d) => void rows.delete(k(t, 'diff', a, d)),
      getMapping: async (t, p, c) => copy(rows.get(k(t, 'map', p, c)) as ClientMapping | undefined),
      putMapping: async (t, m) => void rows.set(k(t, 'map', m.publisherId, m.clientId), copy(m)),
      async setAllowedPublishers(t, mapping) {
        const current = rows.get(k(t, 'map', mapping.publisherId, mapping.clientId)) as ClientMapping | undefined;
        if (current?.organizationId !== mapping.organizationId) return false;
        rows.set(k(t, 'map', mapping.publisherId, mapping.clientId), { ...current, allowedPublisherIds: [...mapping.allowedPublisherIds] });
        return true;
      },
      listMappings: async (t, p) => listOf<ClientMapping>(k(t, 'map', p, '')),
      listMappingsOfOrganization: async (t, orgId) => listOf<ClientMapping>(k(t, 'map', '')).filter((m) => m.organizationId === orgId),
      getClicks: async (t, orgId, partnerIds) =>
        [...new Set(partnerIds)].flatMap((p) =>
          rows.has(k(t, 'clicks', orgId, p)) ? [copy(rows.get(k(t, 'clicks', orgId, p)) as ClickCount)] : [],
        ),
      listClicks: async (t, orgId) => listOf<ClickCount>(k(t, 'clicks', orgId, '')),
      putClicks: async (t, c) => void rows.set(k(t, 'clicks', c.organizationId, c.partnerId), copy(c)),
      getAccessList: async (t, kind, name) => copy(rows.get(k(t, kind, name)) as AccessList | undefined),
      listAccessLists: async (t, kind) => listOf<AccessList>(k(t, kind, '')),
      pageAccessLists: async (t, filter, offset, limit) =>
        listOf<AccessList>(k(t, filter.kind, ''))
          .filter((l) =>
            l.kind === 'program' && filter.kind === 'program'
              ? (filter.statuses ?? [l.status]).includes(l.status)
              : l.kind === 'campaign' && filter.kind === 'campaign' && l.type === filter.type,
          )
          .sort((a, b) => a.id - b.id || sha256(a.name).localeCompare(sha256(b.name)))
          .slice(offset, offset + limit)
          .map(({ organizationIds: _ids, ...summary }) => summary),
      async putAccessList(t, list, previous) {
        const current = rows.get(k(t, list.kind, list.name)) as AccessList | undefined;
        const unchanged = previous ? JSON.stringify(current?.organizationIds) === JSON.stringify(previous.organizationIds) : !current;
        if (!unchanged) throw new AppError('conflict', 'changed concurrently', { detail: { retryable: true } });
        rows.set(k(t, list.kind, list.name), copy(list));
      },
      async replaceAccess(t, list, organizationIds) {
        if (!rows.has(k(t, list.kind, list.name))) throw new Error('ConditionalCheckFailed: the list was removed');
        rows.set(k(t, list.kind, list.name), {
          ...(rows.get(k(t, list.kind, list.name)) as AccessList),
          organizationIds: [...organizationIds],
        });
      },
    },
    credentials: {
      get: async (kind, lookupId) => {
        const c = credentials.get(k(kind, lookupId));
        return c && !(c.expiresAtMs !== undefined && c.expiresAtMs <= Date.now()) ? copy(c) : undefined;
      },
      async put(credential) {
        const existing = credentials.get(k(credential.kind, credential.lookupId));
        if (existing && existing.tenantId !== credential.tenantId) return false;
        credentials.set(k(credential.kind, credential.lookupId), copy(credential));
        return true;
      },
      remove: async (kind, lookupId) => void credentials.delete(k(kind, lookupId)),
      listOfTenant: async (t) => [...credentials.values()].filter((c) => c.tenantId === t).map(copy),
      backfillListings: async () => 0,
    },
    requestCounter: {
      async count(counterKey, windowSeconds) {
        const windowStart = Math.floor(Date.now() / 1000 / windowSeconds) * windowSeconds;
        const count = (windows.get(k(counterKey, windowStart)) ?? 0) + 1;
        windows.set(k(counterKey, windowStart), count);
        return { count, windowEndsAtSeconds: windowStart + windowSeconds };
      },
    },
    loginAttempts: {
      async count(subject, windowSeconds, delta, nowMs) {
        const windowStart = Math.floor(nowMs / 1000 / windowSeconds) * windowSeconds;
        const key = k('login', JSON.stringify(subject), windowStart);
        const count = (windows.get(key) ?? 0) + delta;
        windows.set(key, count);
        return { count, windowEndsAtSeconds: windowStart + windowSeconds };
      },
      clear: async (subject, windowSeconds, nowMs) =>
        void windows.delete(k('login', JSON.stringify(subject), Math.floor(nowMs / 1000 / windowSeconds) * windowSeconds)),
    },
    tasks: {
      async create(t, task, taskChunks) {
        taskChunks.forEach((c) => chunks.set(k(t, task.id, c.chunk), copy(c)));
        tasks.set(k(t, task.id), copy(task));
      },
      remove: async (t, task) => void tasks.delete(k(t, task.id)),
      get: async (t, id) => copy(tasks.get(k(t, id))),
      getChunk: async (t, id, chunk) => copy(chunks.get(k(t, id, chunk))),
      listChunkResults: async (t, id) =>
        [...chunks.entries()].filter(([key]) => key.startsWith(k(t, id, ''))).map(([, { items: _items, ...c }]) => copy(c)),
      async markRunning(t, id) {
        const task = tasks.get(k(t, id));
        if (task?.status === 'PENDING') task.status = 'RUNNING';
      },
      async recordChunkResult(t, id, chunk, result) {
        const stored = chunks.get(k(t, id, chunk));
        if (stored && stored.status !== 'DONE')
          chunks.set(k(t, id, chunk), { ...stored, ...copy(result), status: 'DONE', updatedAt: now() });
      },
      async recordChunkProgress(t, id, chunk, progress) {
        const stored = chunks.get(k(t, id, chunk));
        if (!stored || stored.status === 'DONE') return;
        if (stored.succeeded !== undefined && (stored.succeeded > progress.succeeded || stored.failed! > progress.failed)) return;
        chunks.set(k(t, id, chunk), { ...stored, ...copy(progress), updatedAt: now() });
      },
      async reopen(t, id, attempt) {
        const task = tasks.get(k(t, id));
        if (!task || !['PENDING', 'RUNNING', 'FAILED'].includes(task.status) || (task.attempt ?? 0) !== attempt - 1) return false;
        Object.assign(task, { status: 'RUNNING', attempt, startedAt: now(), finishedAt: null });
        return true;
      },
      async finish(t, id, outcome) {
        const task = tasks.get(k(t, id));
        if (task && ['PENDING', 'RUNNING'].includes(task.status)) Object.assign(task, outcome, { finishedAt: new Date().toISOString() });
      },
      async claimIdempotencyKey(t, key, bodyDigest, taskId) {
        const existing = idempotency.get(k(t, key));
        if (existing) return copy(existing);
        idempotency.set(k(t, key), { taskId, bodyDigest });
        return undefined;
      },
      releaseIdempotencyKey: async (t, key) => void idempotency.delete(k(t, key)),
      listOpenCreatedBefore: async (cutoff) =>
        [...tasks.entries()]
          .filter(([, task]) => ['PENDING', 'RUNNING'].includes(task.status) && (task.startedAt ?? task.createdAt) < cutoff)
          .map(([key, task]) => ({ tenantId: key.split('\u0000')[0]!, taskId: task.id })),
    },
  };
}
