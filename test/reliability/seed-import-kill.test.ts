/**
 * A streamed seed import killed mid-way: `npm run admin -- import seed FILE` (the real CLI, through
 * npm, in a process group of its own) is SIGKILLed once its progress shows organizations written and
 * more to come, then run again on the same file. The second run finishes the file: every organization
 * of the file is stored exactly once, as the file says, never written twice (version 1, child counts
 * exact), and the run reports the killed run's organizations as unchanged; the search postings the
 * killed run batched are trusted again once the re-run has finished.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { scaleOrganization, scaleTenant, writeScaleSeed } from '#bench/scale-seed.ts';
import { repoRoot } from '#functions/routes.ts';
import { config } from '#shared/config.ts';
import { importRunsState } from '#shared/db/import-runs.ts';
import { searchPostings } from '#shared/db/search-index.ts';
import { toRecord } from '#shared/seed/load.ts';
import { seedPartSchemas } from '#shared/seed/schema.ts';
import { expectStoredAsImported, storedOrganizations } from '#test/support/imported.ts';
import { createTable } from '#test/support/table.ts';

const ORGANIZATIONS = 400;
const TENANT = 'killed';
const running: ChildProcess[] = [];

beforeAll(createTable);
afterAll(() => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
});

/** The CLI as an operator runs it, progress on stderr one line per batch. */
function importSeed(path: string): { child: ChildProcess; stderr: () => string; exit: Promise<number | null> } {
  const child = spawn(
    'npm',
    [
      'run',
      '--silent',
      'admin',
      '--',
      'import',
      'seed',
      path,
      '--batch-size',
      '20',
      '--endpoint',
      config.dynamodbEndpoint!,
      '--table',
      config.tableName,
    ],
    {
      cwd: repoRoot,
      env: { ...process.env, AWS_REGION: 'us-east-1', ORGBRIDGE_PROGRESS_INTERVAL_MS: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  running.push(child);
  let stderr = '';
  let stdout = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => `${stderr}\n${stdout}`, exit };
}

/** Resolves with the first progress line's count that satisfies `when`. */
function progressReaching(child: ChildProcess, when: (done: number, total: number) => boolean): Promise<number> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    const onData = (chunk: Buffer) => {
      buffer += chunk.toString();
      for (const match of buffer.matchAll(/(\d+)\/(\d+) organizations/g)) {
        if (when(Number(match[1]), Number(match[2]))) {
          child.stderr!.off('data', onData);
          resolve(Number(match[1]));
          return;
        }
      }
    };
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`import exited (${code}) before the progress expected`)));
  });
}

it('re-running an import killed mid-way finishes the file without duplicates', { timeout: 600_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'orgbridge-kill-'));
  const path = join(dir, 'seed.jsonl');
  await writeScaleSeed(path, [scaleTenant(TENANT, ORGANIZATIONS, 7)]);

  const first = importSeed(path);
  const seen = await progressReaching(first.child, (done, total) => done >= 60 && done < total);
  const exited = new Promise((resolve) => first.child.once('exit', (_code, signal) => resolve(signal)));
  process.kill(-first.child.pid!, 'SIGKILL');
  expect(await exited).toBe('SIGKILL');

  // Killed mid-way: part of the file is stored, not all of it.
  const partial = (await storedOrganizations(TENANT)).length;
  expect(partial).toBeGreaterThanOrEqual(seen);
  expect(partial).toBeLessThan(ORGANIZATIONS);

  // At most one run was cut short (the one of the batch in flight), still unfinished: its postings are checked, not trusted.
  const killedRuns = (await importRunsState(TENANT)).unfinished;

  const second = importSeed(path);
  expect(await second.exit, second.stderr()).toBe(0);
  const unchanged = Number(/(\d+) unchanged/.exec(second.stderr())?.[1]);
  expect(unchanged).toBeGreaterThanOrEqual(seen);
  expect(second.stderr()).toContain(`${ORGANIZATIONS}/${ORGANIZATIONS} organizations`);

  await expectStoredAsImported(
    TENANT,
    Array.from({ length: ORGANIZATIONS }, (_, i) => toRecord(seedPartSchemas.organization.parse(scaleOrganization(TENANT, i)))),
  );
  // The killed run's postings (batched before its transactions) are vouched for by the re-run of the same records:
  // no run is left unfinished, and the postings answer a search alone (every organization's name holds "organisation").
  expect(killedRuns.size).toBeLessThanOrEqual(1);
  expect((await importRunsState(TENANT)).unfinished).toEqual(new Set());
  const found = (await searchPostings(TENANT, 'name', 'organisation'))!;
  expect(found).toHaveLength(ORGANIZATIONS);
  expect(found.every((candidate) => candidate.matches === true)).toBe(true);
});
