/**
 * The seed file's JSON Lines form (docs/seed-file.md): one record per line, `{"<kind>": {…}}`, each
 * validated with the same zod schema as the same part of a JSON seed file. `checkSeedLines` is the
 * first pass of a streamed import: it reads the whole file once with bounded memory, validates every
 * line and counts the organizations, so nothing is written when a line is bad and progress has a total.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { createInterface } from 'node:readline';

import type * as z from 'zod';

import { SeedFileError, seedPartSchemas } from './schema.ts';

type Parts = typeof seedPartSchemas;
export type SeedLineKind = keyof Parts;
export type SeedLine = { [K in SeedLineKind]: { kind: K; value: z.output<Parts[K]>; line: number } }[SeedLineKind];

export const SEED_LINE_KINDS = Object.keys(seedPartSchemas) as SeedLineKind[];

/** A bad line: its number and what is wrong, each field by its path (`line 12: organization.label: …`). */
export class SeedLineError extends Error {
  constructor(
    readonly line: number,
    readonly problems: string[],
  ) {
    super(problems.map((p) => `line ${line}: ${p}`).join('\n'));
  }
}

const isKind = (key: string): key is SeedLineKind => (SEED_LINE_KINDS as string[]).includes(key);

/** Parses and validates one line (not blank). */
export function parseSeedLine(text: string, line: number): SeedLine {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new SeedLineError(line, [`not JSON: ${(error as Error).message}`]);
  }
  const keys = data !== null && typeof data === 'object' && !Array.isArray(data) ? Object.keys(data) : [];
  const [kind] = keys;
  if (keys.length !== 1 || !isKind(kind!)) {
    throw new SeedLineError(line, [`a line is one object with one key, the kind of record: ${SEED_LINE_KINDS.join(', ')}`]);
  }
  const result = seedPartSchemas[kind].safeParse((data as Record<string, unknown>)[kind]);
  if (!result.success) {
    throw new SeedLineError(
      line,
      result.error.issues.map((issue) => `${[kind, ...issue.path].join('.')}: ${issue.message}`),
    );
  }
  return { kind, value: result.data, line } as SeedLine;
}

/** The file's non-blank lines with their numbers, streamed. */
export async function* readLines(path: string): AsyncGenerator<{ text: string; line: number }> {
  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let line = 0;
  try {
    for await (const text of lines) {
      line += 1;
      const trimmed = line === 1 ? text.replace(/^\uFEFF/, '').trim() : text.trim();
      if (trimmed) yield { text: trimmed, line };
    }
  } finally {
    lines.close();
    input.destroy();
  }
}

/** The file's parsed lines, streamed; a bad line throws its SeedLineError. */
export async function* readSeedLines(path: string): AsyncGenerator<SeedLine> {
  for await (const { text, line } of readLines(path)) yield parseSeedLine(text, line);
}

/**
 * JSON Lines or a JSON document? A `.jsonl`/`.ndjson` name says JSON Lines; otherwise the first line
 * does: a complete object with one key that is a record kind (`{"tenant": …}`).
 */
export async function seedFileFormat(path: string): Promise<'jsonl' | 'json'> {
  if (/\.(jsonl|ndjson)$/i.test(path)) return 'jsonl';
  const file = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(1 << 20);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, 0);
    const head = buffer
      .subarray(0, bytesRead)
      .toString('utf8')
      .replace(/^\uFEFF/, '');
    const first = head
      .split('\n')
      .map((l) => l.trim())
      .find(Boolean);
    if (!first) return 'json';
    const data: unknown = JSON.parse(first);
    const keys = data !== null && typeof data === 'object' && !Array.isArray(data) ? Object.keys(data) : [];
    return keys.length === 1 && isKind(keys[0]!) ? 'jsonl' : 'json';
  } catch {
    return 'json';
  } finally {
    await file.close();
  }
}

export interface SeedLinesSummary {
  lines: number;
  organizations: number;
  tenants: { id: string; organizations: number }[];
}

const MAX_REPORTED = 20;

/**
 * First pass: every line valid, in an order the import can follow, with bounded memory (only a
 * tenant's apps and publishers are remembered, never its organizations). Throws a SeedFileError
 * listing up to 20 problems by line number.
 */
export async function checkSeedLines(path: string, onLines?: (lines: number) => void): Promise<SeedLinesSummary> {
  const problems: string[] = [];
  const summary: SeedLinesSummary = { lines: 0, organizations: 0, tenants: [] };
  const tenantIds = new Set<string>();
  let tenant: { id: string; organizations: number } | undefined;
  let apps = new Set<string>();
  let publishers = new Set<string>();
  let diffusions: { line: number; id: string }[] = [];
  const problem = (line: number, message: string) => problems.push(`line ${line}: ${message}`);
  const endTenant = () => {
    for (const d of diffusions) if (!publishers.has(d.id)) problem(d.line, `publisher.diffuseurs: unknown publisher ${d.id}`);
  };

  for await (const { text, line } of readLines(path)) {
    summary.lines = line;
    if (line % 10_000 === 0) onLines?.(line);
    if (problems.length >= MAX_REPORTED) break;
    let record: SeedLine;
    try {
      record = parseSeedLine(text, line);
    } catch (error) {
      if (!(error instanceof SeedLineError)) throw error;
      problems.push(...error.message.split('\n'));
      continue;
    }
    if (record.kind === 'tenant') {
      endTenant();
      if (tenantIds.has(record.value.id)) problem(line, `tenant.id: tenant ${record.value.id} already given on an earlier line`);
      tenantIds.add(record.value.id);
      tenant = { id: record.value.id, organizations: 0 };
      summary.tenants.push(tenant);
      apps = new Set();
      publishers = new Set();
      diffusions = [];
      continue;
    }
    if (!tenant) {
      problem(line, 'the first record must be a tenant: {"tenant": {"id": …, "name": …}}');
      continue;
    }
    switch (record.kind) {
      case 'app':
        if (apps.has(record.value.id)) problem(line, `app.id: duplicate app id ${record.value.id}`);
        apps.add(record.value.id);
        break;
      case 'publisher':
        if (publishers.has(record.value.id)) problem(line, `publisher.id: duplicate publisher id ${record.value.id}`);
        publishers.add(record.value.id);
        diffusions.push(...record.value.diffuseurs.map((id) => ({ line, id })));
        break;
      case 'credentials':
        record.value.engagement.forEach((c, i) => {
          if (!publishers.has(c.publisher))
            problem(line, `credentials.engagement.${i}.publisher: unknown publisher ${c.publisher} (give it on an earlier line)`);
        });
        break;
      case 'organization': {
        const o = record.value;
        tenant.organizations += 1;
        summary.organizations += 1;
        if (o.parent === o.id) problem(line, 'organization.parent: an organization cannot be its own parent');
        if (o.app !== null && !apps.has(o.app)) problem(line, `organization.app: unknown app ${o.app} (give it on an earlier line)`);
        break;
      }
      case 'engagementMapping':
        if (!publishers.has(record.value.publisher))
          problem(line, `engagementMapping.publisher: unknown publisher ${record.value.publisher} (give it on an earlier line)`);
        break;
      case 'engagementClick':
        if (!publishers.has(record.value.publisher))
          problem(line, `engagementClick.publisher: unknown publisher ${record.value.publisher} (give it on an earlier line)`);
        break;
      case 'program':
      case 'campaign':
        break;
    }
  }
  endTenant();
  if (summary.tenants.length === 0 && problems.length === 0) problems.push('line 1: the file holds no tenant');
  if (problems.length > 0) {
    const shown = problems.slice(0, MAX_REPORTED);
    throw new SeedFileError(
      `Invalid seed file ${path}:\n${shown.map((p) => `  ${p}`).join('\n')}${problems.length >= MAX_REPORTED ? '\n  … (stopped after 20 problems)' : ''}`,
    );
  }
  return summary;
}
