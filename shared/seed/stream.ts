/**
 * Imports a seed file from disk, whatever its form: a JSON document (read whole, validated whole:
 * load.ts) or JSON Lines (lines.ts), streamed twice with bounded memory: a first pass validates
 * every line and counts the organizations, the second writes them in batches through the domain's
 * `importOrganizations`. Parents come before their children in a streamed file; a child met before
 * its parent waits in a bounded queue until the parent is written (docs/seed-file.md).
 * Idempotent: re-running the same file after a crash or a kill finishes it without duplicates.
 */
import {
  type AccessListInput,
  linkDiffuseur,
  mapClientId,
  putAccessList,
  putApp,
  putPublisher,
  putTenant,
  setAccessByKeys,
  setClicks,
} from '#shared/domain/directory-admin.ts';
import { importOrganizations, type ImportRecord, OrganizationImportError, storedMemberIntIds } from '#shared/domain/organization-import.ts';
import { ports } from '#shared/domain/ports.ts';
import { AppError } from '#shared/errors.ts';

import { checkSeedLines, readSeedLines, seedFileFormat, type SeedLine } from './lines.ts';
import { DEFAULT_BATCH_SIZE, loadCredentials, type LoadOptions, loadSeed, type SeedProgress, toRecord } from './load.ts';
import { parseSeedFile, type SeedFile, SeedFileError } from './schema.ts';

export interface ImportFileOptions extends LoadOptions {
  /** Organizations that may wait for a parent or sponsor given later in the file (default 10,000). */
  maxDeferred?: number;
  /** First pass: lines checked so far (every 10,000 lines). */
  onCheck?: (lines: number) => void;
  /** Validate only: nothing is written. */
  checkOnly?: boolean;
}

/** A tenant's credentials as the seed gives them (plaintext): what `npm start` prints. */
export type SeedCredentials = Pick<SeedFile['tenants'][number], 'id' | 'name' | 'credentials'>;

export interface ImportSummary {
  format: 'json' | 'jsonl';
  tenants: number;
  organizations: number;
  written: number;
  unchanged: number;
  /** Each tenant's credentials, as given (empty when only checked). */
  credentials: SeedCredentials[];
}

export const DEFAULT_MAX_DEFERRED = 10_000;

type Pending = { record: ImportRecord; line: number };

/** Writes one tenant's organizations in batches; children met before their parent wait (bounded). */
class OrganizationStream {
  private batch: Pending[] = [];
  private batchIds = new Set<string>();
  /** Deferred records by what they wait for: a parent id, or `#<intId>` of a sponsor. */
  private waiting = new Map<string, Pending[]>();
  private deferred = 0;
  /** Members known to be stored (a cache to spare sponsor lookups; cleared when large). */
  private members = new Set<number>();
  maxIntId = 0;

  constructor(
    private readonly tenantId: string,
    private readonly options: ImportFileOptions,
    private readonly progress: SeedProgress,
  ) {}

  async add(pending: Pending): Promise<void> {
    // The same id twice in one call would race: the later line is an update, in a later call.
    if (this.batchIds.has(pending.record.id)) await this.flush();
    this.batch.push(pending);
    this.batchIds.add(pending.record.id);
    this.maxIntId = Math.max(this.maxIntId, pending.record.intId);
    if (this.batch.length >= (this.options.batchSize ?? DEFAULT_BATCH_SIZE)) await this.flush();
  }

  private defer(key: string, pending: Pending) {
    const max = this.options.maxDeferred ?? DEFAULT_MAX_DEFERRED;
    if (this.deferred >= max) {
      throw new SeedFileError(
        `line ${pending.line}: more than ${max} organizations wait for a parent or sponsor given later in the file: put parents and sponsors before the organizations that name them (docs/seed-file.md)`,
      );
    }
    this.deferred += 1;
    const list = this.waiting.get(key) ?? [];
    list.push(pending);
    this.waiting.set(key, list);
  }

  /** Writes everything that can be written now (the batch, and the deferred records it unblocks). */
  async flush(): Promise<void> {
    while (this.batch.length > 0) {
      const current = this.batch;
      this.batch = [];
      this.batchIds = new Set();
      const inBatch = new Set(current.map((p) => p.record.intId));
      const sponsorOf = (p: Pending) => p.record.member.sponsorIntId;
      const unknown = current.map(sponsorOf).filter((s): s is number => s !== null && !inBatch.has(s) && !this.members.has(s));
      if (this.members.size > 100_000) this.members.clear();
      for (const intId of await storedMemberIntIds(this.tenantId, unknown, this.options)) this.members.add(intId);
      const ready: Pending[] = [];
      for (const p of current) {
        const sponsor = sponsorOf(p);
        if (sponsor !== null && !inBatch.has(sponsor) && !this.members.has(sponsor)) this.defer(`#${sponsor}`, p);
        else ready.push(p);
      }
      const failed = new Set<number>();
      const rejected: string[] = [];
      let counts;
      try {
        counts = await importOrganizations(
          this.tenantId,
          ready.map((p) => p.record),
          this.options,
        );
      } catch (error) {
        if (!(error instanceof OrganizationImportError)) throw error;
        counts = error.counts;
        for (const failure of error.failures) {
          const p = ready[failure.index]!;
          failed.add(failure.index);
          if (failure.reason === 'parent') this.defer(p.record.parentId!, p);
          else rejected.push(`line ${p.line}: organization ${p.record.id}: ${failure.message}`);
        }
      }
      this.progress.written += counts.written;
      this.progress.unchanged += counts.unchanged;
      this.progress.organizationsDone += counts.written + counts.unchanged;
      this.options.onProgress?.({ ...this.progress, tenantId: this.tenantId });
      if (rejected.length > 0) throw new SeedFileError(rejected.slice(0, 20).join('\n'));
      // What the written records unblock goes in the next call.
      ready.forEach((p, i) => {
        if (failed.has(i)) return;
        this.members.add(p.record.intId);
        for (const key of [p.record.id, `#${p.record.intId}`]) {
          const waiters = this.waiting.get(key);
          if (!waiters) continue;
          this.waiting.delete(key);
          this.deferred -= waiters.length;
          for (const w of waiters) this.batch.push(w);
        }
      });
    }
  }

  /** The end of the tenant: whatever still waits names a parent or sponsor that is nowhere. */
  async finish(): Promise<void> {
    await this.flush();
    if (this.deferred > 0) {
      const lines = [...this.waiting.entries()]
        .flatMap(([key, list]) =>
          list.map(
            (p) =>
              `line ${p.line}: organization ${p.record.id}: ${key.startsWith('#') ? `unknown sponsor member ${key.slice(1)}` : `unknown parent organization ${key}`} (neither stored nor given in tenant ${this.tenantId})`,
          ),
        )
        .sort((a, b) => Number(/\d+/.exec(a)![0]) - Number(/\d+/.exec(b)![0]));
      throw new SeedFileError(`${lines.slice(0, 20).join('\n')}${lines.length > 20 ? `\n… and ${lines.length - 20} more` : ''}`);
    }
    if (this.maxIntId > 0) await ports().organizations.raiseIntIdFloor(this.tenantId, this.maxIntId);
  }
}

/** A domain error on a line, as the seed file's error (exit code 1, the line named). */
async function atLine<T>(line: number, what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof AppError) throw new SeedFileError(`line ${line}: ${what}: ${error.message}`);
    throw error;
  }
}

/** A program or campaign, then its access set (each organization checked, as a line may name any given earlier). */
async function putListWithAccess(tenantId: string, list: AccessListInput, organizationIds: string[]): Promise<void> {
  await putAccessList(tenantId, list);
  await setAccessByKeys(
    tenantId,
    list.kind,
    list.name,
    organizationIds.map((id) => ({ id })),
  );
}

async function importLines(
  path: string,
  options: ImportFileOptions,
  organizationsTotal: number,
): Promise<SeedProgress & { credentials: SeedCredentials[] }> {
  const progress: SeedProgress = { tenantId: '', organizationsDone: 0, organizationsTotal, written: 0, unchanged: 0 };
  const credentials: SeedCredentials[] = [];
  let tenant: { id: string; organizations: OrganizationStream; links: { line: number; from: string; to: string }[] } | undefined;
  const endTenant = async () => {
    if (!tenant) return;
    await tenant.organizations.finish();
    for (const { line, from, to } of tenant.links) await atLine(line, `publisher ${from}`, () => linkDiffuseur(tenant!.id, from, to));
  };
  let first = true;
  for await (const record of readSeedLines(path) as AsyncGenerator<SeedLine>) {
    if (record.kind === 'tenant') {
      await endTenant();
      await putTenant(record.value);
      credentials.push({
        id: record.value.id,
        name: record.value.name,
        credentials: { engagement: [], netux: [], apidae: [], responsys: [] },
      });
      tenant = { id: record.value.id, organizations: new OrganizationStream(record.value.id, options, progress), links: [] };
      if (first) options.onProgress?.({ ...progress, tenantId: tenant.id });
      first = false;
      continue;
    }
    // The first pass made sure a tenant comes first.
    const t = tenant!;
    if (record.kind === 'organization') {
      await t.organizations.add({ record: toRecord(record.value), line: record.line });
      continue;
    }
    // Other records may name organizations: those given so far are written first.
    await t.organizations.flush();
    const { line } = record;
    switch (record.kind) {
      case 'app':
        await atLine(line, 'app', () => putApp(t.id, record.value));
        break;
      case 'credentials':
        await loadCredentials({ id: t.id, credentials: record.value }, `line ${line}`);
        for (const kind of ['engagement', 'netux', 'apidae', 'responsys'] as const) {
          (credentials.at(-1)!.credentials[kind] as unknown[]).push(...record.value[kind]);
        }
        break;
      case 'publisher': {
        const { diffuseurs, ...publisher } = record.value;
        await atLine(line, 'publisher', () => putPublisher(t.id, publisher));
        t.links.push(...diffuseurs.map((to) => ({ line, from: publisher.id, to })));
        break;
      }
      case 'engagementMapping': {
        const m = record.value;
        await atLine(line, 'engagementMapping', () =>
          mapClientId(t.id, {
            publisherId: m.publisher,
            clientId: m.clientId,
            organization: { id: m.organization },
            allowedPublisherIds: m.publisherIds,
          }),
        );
        break;
      }
      case 'engagementClick': {
        const c = record.value;
        await atLine(line, 'engagementClick', () =>
          setClicks(t.id, { organization: { id: c.organization }, partnerId: c.publisher, clicks: c.clicks }),
        );
        break;
      }
      case 'program': {
        const { organizations, ...list } = record.value;
        await atLine(line, 'program', () => putListWithAccess(t.id, { kind: 'program', ...list }, organizations));
        break;
      }
      case 'campaign': {
        const { organizations, ...list } = record.value;
        await atLine(line, 'campaign', () => putListWithAccess(t.id, { kind: 'campaign', ...list }, organizations));
        break;
      }
    }
  }
  await endTenant();
  return { ...progress, credentials };
}

/** `npm run admin -- import seed FILE`, `npm start -- --seed FILE`: either form of seed file. */
export async function importSeedFile(path: string, options: ImportFileOptions = {}): Promise<ImportSummary> {
  const { stat } = await import('node:fs/promises');
  const file = await stat(path).catch((error: Error) => {
    throw new SeedFileError(`Cannot read ${path}: ${error.message}`);
  });
  if (!file.isFile()) throw new SeedFileError(`Cannot read ${path}: not a file`);
  const format = await seedFileFormat(path);
  if (format === 'json') {
    const { readFile } = await import('node:fs/promises');
    let data: unknown;
    try {
      data = JSON.parse(await readFile(path, 'utf8'));
    } catch (error) {
      throw new SeedFileError(`Cannot read ${path}: ${(error as Error).message}`);
    }
    const seed = parseSeedFile(data);
    const organizations = seed.tenants.reduce((n, t) => n + t.organizations.length, 0);
    if (options.checkOnly) return { format, tenants: seed.tenants.length, organizations, written: 0, unchanged: 0, credentials: [] };
    const done = await loadSeed(seed, options);
    return {
      format,
      tenants: seed.tenants.length,
      organizations,
      written: done.written,
      unchanged: done.unchanged,
      credentials: seed.tenants.map(({ id, name, credentials }) => ({ id, name, credentials })),
    };
  }
  const summary = await checkSeedLines(path, options.onCheck);
  if (options.checkOnly) {
    return { format, tenants: summary.tenants.length, organizations: summary.organizations, written: 0, unchanged: 0, credentials: [] };
  }
  const done = await importLines(path, options, summary.organizations);
  return {
    format,
    tenants: summary.tenants.length,
    organizations: summary.organizations,
    written: done.written,
    unchanged: done.unchanged,
    credentials: done.credentials,
  };
}
