/**
 * The domain's ports: what it needs from storage and from the workflow engine, in its own terms.
 * shared/db implements them on DynamoDB; the unit tests on memory. A composition root (handler
 * wiring, local runtime, CLI entry, test setup) installs one implementation per process; domain code
 * reaches data only through `ports()`, so every writer (API, bulk worker, seed import, admin CLI)
 * goes through the same domain functions and no path can skip a guard or an index item.
 */
import type { Credential, CredentialKind } from './credential.ts';
import type {
  AccessList,
  AccessListFilter,
  AccessListKind,
  AccessListSummary,
  ClickCount,
  ClientMapping,
  Publisher,
  Tenant,
} from './directory.ts';
import type { App, Organization, SortKeys } from './organization.ts';
import type { Chunk, ChunkResult, ChunkSummary, Task } from './task.ts';

/**
 * Member fields with an index (Apidae filters: each reads only the matching members), and the users stored
 * with members, by id and by e-mail (`mailLookupValue`): the utilisateur services' lookups.
 */
export type MemberIndexField =
  'parrain' | 'commune' | 'cp' | 'type' | 'secteur' | 'nomSecteur' | 'projet' | 'typeProjet' | 'statutProjet' | 'utilisateur' | 'mail';

/**
 * Every exact-value index: member fields (Apidae), the name (Responsys, Netux), Engagement's `rna`/`siret`,
 * and Netux's `createdAt`, `description`, `app` and top-level `properties` filters.
 */
export type IndexedField = MemberIndexField | 'name' | 'rna' | 'siret' | 'createdAt' | 'description' | 'app' | 'property';

/** Orders the tenant's organizations are listed in (ties broken by id; text by Unicode code point). */
export type ListOrder = 'label' | 'name' | 'createdAt' | 'intId';

/** Which texts a substring search looks in: the name (every dialect), or also label and description (Netux). */
export type SearchScope = 'name' | 'name-label-description';

/** What the search index says of one organization that may contain a needle. */
export interface SearchCandidate {
  id: string;
  /**
   * True: its name (or, in the Netux scope, its label) holds the folded needle for sure; false: none of the
   * scope's texts does; undefined: only the organization can tell (read it and check).
   */
  matches?: boolean;
  /** Its sort keys as the index holds them (always there when `matches` is true). */
  sortKeys?: SortKeys;
}

/** Fields a partial update may set in place: fields no index or guard item depends on. */
export type InPlaceFields = Partial<Pick<Organization, 'favicon' | 'logo' | 'isActive' | 'updatedAt'>>;

/** What the tree needs of an organization (the listing holds it: the whole tree reads no organization item). */
export interface TreeEntry {
  id: string;
  intId: number;
  name: string;
  parentId: string | null;
}

/** In-place writes one `updateInPlaceBatch` call takes at most (one round trip: DynamoDB's batch limit). */
export const IN_PLACE_BATCH_LIMIT = 25;

/** One bulk operation's in-place write. */
export interface InPlaceWrite {
  id: string;
  fields: InPlaceFields;
  op: { taskId: string; index: number };
}

export type InPlaceResult =
  /** `organization` when the caller asked for it (the write then returns the whole item, not only what it set). */
  | { outcome: 'updated' | 'already-applied'; organization?: Organization }
  | { outcome: 'missing' }
  /** The stored record predates the applied-operations map: the caller takes the read-modify-write path. */
  | { outcome: 'needs-read' };

/** What a delete changes elsewhere, in the same all-or-nothing write (the delete rule). */
export interface DeleteCleanups {
  /** Access lists that named the organization, with the ids they keep (conditional on being unchanged). */
  accessLists: { list: AccessList; organizationIds: string[] }[];
  /** Engagement mappings to the organization: removed. */
  mappings: ClientMapping[];
  /** The organization's click counts: removed. */
  clicks: ClickCount[];
  /** Other organizations rewritten (sponsored members losing their sponsor), each conditional on `previous`. */
  rewrites: { previous: Organization; next: Organization }[];
}

/** Progress of the move of a table's organizations to the current storage layout. */
export interface LayoutProgress {
  tenants: number;
  organizations: number;
  /** Organizations to move, counted before the first is moved. */
  total: number;
  /** Legacy guard, index and marker items removed. */
  leftovers: number;
}

export interface OrganizationStore {
  /** Strongly consistent. */
  get(tenantId: string, id: string): Promise<Organization | undefined>;
  /** Strongly consistent; unknown ids are skipped; order is not kept. */
  getMany(tenantId: string, ids: string[]): Promise<Organization[]>;
  idByLabel(tenantId: string, label: string): Promise<string | undefined>;
  idByIntId(tenantId: string, intId: number): Promise<string | undefined>;
  /** How many organizations the tenant has (a maintained counter). */
  count(tenantId: string): Promise<number>;
  /**
   * Ids at positions [offset, offset + limit) of the tenant's organizations in `order` (strongly
   * consistent). Reads about offset + limit small listing entries, never organization items (but those whose
   * entries a seed import still running, or killed, wrote ahead: those are checked).
   */
  page(tenantId: string, order: ListOrder, descending: boolean, offset: number, limit: number): Promise<string[]>;
  /**
   * Every id of the tenant in pages of about `pageSize` per listing shard, read as they are consumed, in no
   * set order; each small listing entry is read once (the scan of filters no index narrows).
   */
  allIdPages(tenantId: string, pageSize: number): AsyncIterable<string[]>;
  /** Ids of the organizations whose `field` equals `value`, by integer id (strongly consistent; reads only the matches' index entries). */
  idsByMember(tenantId: string, field: IndexedField, value: string | number): Promise<string[]>;
  /** Ids of the organizations whose description is empty (strongly consistent; reads only their small listing entries). */
  idsWithoutDescription(tenantId: string): Promise<string[]>;
  /**
   * Whether every organization of the tenant has the index items a later version added (the no-description
   * listing, non-scalar property entries): a tenant this version created, or one migrated since. Until then
   * those filters are scanned.
   */
  indexesComplete(tenantId: string): Promise<boolean>;
  /**
   * Ids whose `field` equals any of `values`, by integer id (each once), in pages read as they are consumed, the
   * first of `firstPage` (a reader that stops early reads no further; several values: about `firstPage` entries of each).
   */
  idPagesByMember(tenantId: string, field: IndexedField, values: (string | number)[], firstPage: number): AsyncIterable<string[]>;
  /**
   * The organizations that may contain `foldedNeedle` (a superset), each with what the index knows of it
   * (strongly consistent: a verdict and sort keys always say what the organization says at the read), read
   * from the trigram postings of the needle's rarest trigram, or for a needle of one or two code points the
   * postings of every gram that contains it; undefined for an empty needle, and for a short one in a tenant
   * whose gram vocabulary is not complete yet (not migrated). Reads follow those postings, never organization items.
   */
  searchCandidates(tenantId: string, scope: SearchScope, foldedNeedle: string): Promise<SearchCandidate[] | undefined>;
  /** Ids of the children of `parentId`. */
  childIds(tenantId: string, parentId: string): Promise<string[]>;
  /** Every organization as a tree entry (with allIdPages, the paths whose cost follows the tenant: the Responsys tree). */
  treeEntries(tenantId: string): Promise<TreeEntry[]>;
  /** Reserves `count` consecutive integer ids; returns the first. */
  allocateIntIds(tenantId: string, count: number): Promise<number>;
  /** Raises the integer-id counter to at least `floor`. */
  raiseIntIdFloor(tenantId: string, floor: number): Promise<void>;
  /**
   * Writes `next` with its guards and index entries, all or nothing. Without `previous` it must be
   * new; with it, the stored version must still be `previous.version`. A label or integer id held by
   * another organization is a `conflict` naming the field; a lost race is a retryable `version` conflict.
   */
  save(
    tenantId: string,
    next: Organization,
    previous: Organization | undefined,
    options?: {
      /** Organizations that must still be at the version read (a move checks the new parent's ancestors). */
      mustBeUnchanged?: Organization[];
      /** An Engagement mapping created with the organization (it must be new too). */
      newMapping?: ClientMapping;
    },
  ): Promise<void>;
  /**
   * Creates many new organizations at once (the seed import), each all or nothing as `save` would; the
   * ones refused (label or id taken, parent missing) are returned with their error, the others stored.
   */
  createMany(tenantId: string, organizations: Organization[], importRun: number): Promise<{ id: string; error: unknown }[]>;
  /**
   * Starts an import run of records with this fingerprint (its number, for `createMany`). Until the run
   * finishes, searches check the organizations it creates against the stored ones (a cost, never a
   * wrong answer); a run that never finishes (killed) is finished by a later run of the same records.
   */
  beginImport(tenantId: string, fingerprint: string): Promise<number>;
  /** Every organization of the run is committed, or refused and taken back. */
  finishImport(tenantId: string, importRun: number, fingerprint: string): Promise<void>;
  /** Sets plain fields without reading first (and records the bulk operation in the same write). */
  updateInPlace(
    tenantId: string,
    id: string,
    fields: InPlaceFields,
    options: { op?: { taskId: string; index: number }; returnOrganization: boolean },
  ): Promise<InPlaceResult>;
  /**
   * In-place writes of bulk operations in one round trip, each applied only when it is the first
   * operation of its task on its organization (no record of the task yet); whether each was applied.
   * One not applied (any refusal, a record already there, a missing organization) is left for
   * `updateInPlace`, which tells those apart. At most IN_PLACE_BATCH_LIMIT writes, on distinct organizations.
   */
  updateInPlaceBatch(tenantId: string, writes: InPlaceWrite[]): Promise<boolean[]>;
  /**
   * Drops the applied-operation records `expired` names (read, then removed only if any has expired);
   * the organization's fields and version are untouched.
   */
  pruneAppliedOps(tenantId: string, id: string, expired: (taskId: string) => boolean): Promise<void>;
  /** Removes the organization, its guards and index entries with `cleanups`; refused while it has children. */
  remove(tenantId: string, organization: Organization, cleanups: DeleteCleanups, appliedOpId?: string): Promise<void>;
  wasDeleteApplied(tenantId: string, opId: string): Promise<boolean>;
  /** Moves organizations stored in an earlier layout to the current one (idempotent; safe while serving). */
  migrateLayout(onProgress?: (progress: LayoutProgress) => void): Promise<LayoutProgress>;
  /**
   * Writes the index items later versions added or moved that stored organizations lack (users, non-scalar
   * properties, no description, the shards of spread values), marks every tenant, and removes the earlier layout's
   * entries (an admin migration; returns how many of each).
   */
  backfillIndexEntries(): Promise<{ items: number; tenants: number; removed: number }>;
  /** Makes the search postings written before they carried sort keys carry them (an admin migration; returns how many). */
  backfillSearchPostings(): Promise<number>;
  /**
   * Gives the postings written before the gram vocabulary their vocabulary (and texts of one or two code
   * points their postings), then marks each tenant's vocabulary complete (an admin migration).
   */
  backfillGramVocabulary(): Promise<{ grams: number; postings: number; tenants: number }>;
  /** Settles the entries an import run that never finished wrote ahead (an admin migration; returns how many). */
  settleImportedEntries(): Promise<number>;
}

export interface DirectoryStore {
  getTenant(tenantId: string): Promise<Tenant | undefined>;
  /** Creates or renames a tenant; never touches its integer-id counter. */
  putTenant(tenant: Tenant): Promise<void>;
  /** Every tenant (eventually consistent: admin only). */
  listTenants(): Promise<Tenant[]>;
  listApps(tenantId: string): Promise<App[]>;
  putApp(tenantId: string, app: App): Promise<void>;
  getPublisher(tenantId: string, id: string): Promise<Publisher | undefined>;
  putPublisher(tenantId: string, publisher: Publisher): Promise<void>;
  listPublishers(tenantId: string): Promise<Publisher[]>;
  /** The publishers that broadcast `annonceurId`'s missions. */
  listDiffuseurs(tenantId: string, annonceurId: string): Promise<Publisher[]>;
  isDiffuseur(tenantId: string, annonceurId: string, diffuseurId: string): Promise<boolean>;
  putDiffusion(tenantId: string, annonceurId: string, diffuseurId: string): Promise<void>;
  deleteDiffusion(tenantId: string, annonceurId: string, diffuseurId: string): Promise<void>;
  getMapping(tenantId: string, publisherId: string, clientId: string): Promise<ClientMapping | undefined>;
  putMapping(tenantId: string, mapping: ClientMapping): Promise<void>;
  /** Replaces the allow-list only while the mapping still points at `mapping.organizationId`. */
  setAllowedPublishers(tenantId: string, mapping: ClientMapping): Promise<boolean>;
  listMappings(tenantId: string, publisherId: string): Promise<ClientMapping[]>;
  listMappingsOfOrganization(tenantId: string, organizationId: string): Promise<ClientMapping[]>;
  /** The click counts of an organization from each of `partnerIds` that has one (one batched read; order not kept). */
  getClicks(tenantId: string, organizationId: string, partnerIds: string[]): Promise<ClickCount[]>;
  /** Every click count of an organization. */
  listClicks(tenantId: string, organizationId: string): Promise<ClickCount[]>;
  putClicks(tenantId: string, count: ClickCount): Promise<void>;
  getAccessList(tenantId: string, kind: AccessListKind, name: string): Promise<AccessList | undefined>;
  /** Every list of a kind with its access set (admin listings, the delete clean-up). */
  listAccessLists(tenantId: string, kind: AccessListKind): Promise<AccessList[]>;
  /**
   * A page of the lists `filter` selects, in id order (then name), without access sets; strongly
   * consistent; reads at most offset + limit small listing entries per status or type selected.
   */
  pageAccessLists(tenantId: string, filter: AccessListFilter, offset: number, limit: number): Promise<AccessListSummary[]>;
  /**
   * Writes a list and its listing entries, all or nothing: new when `previous` is undefined, else only
   * while the stored access set is still `previous`'s (otherwise a retryable `conflict`).
   */
  putAccessList(tenantId: string, list: AccessList, previous: AccessList | undefined): Promise<void>;
  /** Replaces the access set while the list still exists. */
  replaceAccess(tenantId: string, list: AccessList, organizationIds: string[]): Promise<void>;
}

export interface CredentialStore {
  /** Strongly consistent; an expired credential reads as absent. */
  get(kind: CredentialKind, lookupId: string): Promise<Credential | undefined>;
  /** False when the lookup id belongs to another tenant (checked atomically). */
  put(credential: Credential, ttlEpochSeconds?: number): Promise<boolean>;
  remove(kind: CredentialKind, lookupId: string): Promise<void>;
  /** Every credential of a tenant, session tokens included (admin only). */
  listOfTenant(tenantId: string): Promise<Credential[]>;
  /** Makes records written before the admin listings listable; returns how many it updated. */
  backfillListings(): Promise<number>;
}

export interface RequestCounter {
  /** Counts one request in the fixed window of `windowSeconds` that contains now. */
  count(counterKey: string, windowSeconds: number): Promise<{ count: number; windowEndsAtSeconds: number }>;
}

/** Whose login attempts: a user name (by its SHA-256) or a client address. */
export type LoginSubject = { userNameHash: string } | { address: string };

export interface LoginAttemptCounter {
  /** Adds `delta` attempts to the subject's fixed window holding `nowMs`: the count after it, and when the window ends. */
  count(
    subject: LoginSubject,
    windowSeconds: number,
    delta: number,
    nowMs: number,
  ): Promise<{ count: number; windowEndsAtSeconds: number }>;
  /** Forgets the subject's attempts of the window holding `nowMs`. */
  clear(subject: LoginSubject, windowSeconds: number, nowMs: number): Promise<void>;
}

export interface TaskStore {
  /** Stores the chunks, then the task (a task never exists without all of its items). */
  create(tenantId: string, task: Task, chunks: Chunk[]): Promise<void>;
  remove(tenantId: string, task: Task): Promise<void>;
  get(tenantId: string, taskId: string): Promise<Task | undefined>;
  getChunk(tenantId: string, taskId: string, chunk: number): Promise<Chunk | undefined>;
  /** Chunk outcomes without their items (small records: the items are stored apart). */
  listChunkResults(tenantId: string, taskId: string): Promise<ChunkSummary[]>;
  markRunning(tenantId: string, taskId: string): Promise<void>;
  /** Records a chunk's outcome once (a duplicate delivery changes nothing). */
  recordChunkResult(tenantId: string, taskId: string, chunk: number, result: ChunkResult): Promise<void>;
  /**
   * Records a running chunk's progress, only when it grows (neither count below the stored one) and
   * the chunk is not DONE: a re-delivered chunk never makes progress read mid-run go back.
   */
  recordChunkProgress(tenantId: string, taskId: string, chunk: number, progress: ChunkResult): Promise<void>;
  /**
   * Reopens an open or FAILED task for a new execution number `attempt` (RUNNING, listed as open
   * from now). Only one caller wins a given attempt: false when the task is not at `attempt - 1`.
   */
  reopen(tenantId: string, taskId: string, attempt: number): Promise<boolean>;
  /** Sets the final status once. */
  finish(tenantId: string, taskId: string, outcome: Pick<Task, 'status' | 'succeeded' | 'failed'>): Promise<void>;
  /** Binds a key to a task; returns the binding already there, or undefined when this call made it. */
  claimIdempotencyKey(
    tenantId: string,
    key: string,
    bodyDigest: string,
    taskId: string,
  ): Promise<{ taskId: string; bodyDigest: string } | undefined>;
  releaseIdempotencyKey(tenantId: string, key: string): Promise<void>;
  /** Open tasks whose current execution was started (or, never resumed, created) before `cutoffIso` (eventually consistent). */
  listOpenCreatedBefore(cutoffIso: string): Promise<{ tenantId: string; taskId: string }[]>;
}

export interface Stores {
  organizations: OrganizationStore;
  directory: DirectoryStore;
  credentials: CredentialStore;
  requestCounter: RequestCounter;
  loginAttempts: LoginAttemptCounter;
  tasks: TaskStore;
}

/** Starts the workflow that applies a stored task (Step Functions, or the local runner). */
export type TaskRunner = (tenantId: string, taskId: string) => Promise<void>;

/** Starts execution number `attempt` (≥ 1) of a task that was stored and reopened (a resume: the unfinished chunks only). */
export type TaskResumer = (tenantId: string, taskId: string, attempt: number) => Promise<void>;

let installed: Stores | undefined;
let runner: TaskRunner | undefined;
let resumer: TaskResumer | undefined;

export function installStores(stores: Stores): void {
  installed = stores;
}

/** Only the functions that submit bulk tasks install a runner (the others need no workflow client). */
export function installTaskRunner(taskRunner: TaskRunner): void {
  runner = taskRunner;
}

/** Functions that may resume tasks (bulk endpoints, the reconciler, the local runtime) install a resumer. */
export function installTaskResumer(taskResumer: TaskResumer): void {
  resumer = taskResumer;
}

export function taskResumer(): TaskResumer {
  if (!resumer) throw new Error('No task resumer installed: installTaskResumer() first.');
  return resumer;
}

export function ports(): Stores {
  if (!installed) throw new Error('No stores installed: a composition root must call installStores() first.');
  return installed;
}

export function taskRunner(): TaskRunner {
  if (!runner) throw new Error('No task runner installed: the bulk endpoints install one (installTaskRunner).');
  return runner;
}
