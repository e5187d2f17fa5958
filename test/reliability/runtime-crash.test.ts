/**
 * The whole local runtime killed mid-task: `infra/local/start.ts` (what `npm start` runs) in a process
 * group of its own, SIGKILLed while a bulk create runs, then started again on the same table. The
 * restarted runtime resumes the task from its chunk records (local executions lived in the killed
 * process's memory) and finishes it; the counts, `created` and the stored organizations agree, no
 * item was applied twice and none was skipped.
 */
import type { ChildProcess } from 'node:child_process';

import { afterAll, beforeAll, expect, it } from 'vitest';

import { freePort } from '#infra/local/dynamodb.ts';
import { getOrganizations } from '#shared/db/organizations.ts';
import { getTask } from '#shared/db/tasks.ts';
import { call, spawnLocalRuntime } from '#test/support/server.ts';
import { allOrganizations, createTable, seedTestData } from '#test/support/table.ts';

const NETUX = { 'X-Auth-Token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73', 'X-Bulk-Operation': 'True', 'content-type': 'application/json' };
const ITEMS = 1200;
const running: ChildProcess[] = [];

/** The local runtime on this file's table in a process group of its own (the test kills the whole group). */
async function startRuntime(port: number): Promise<{ child: ChildProcess; output: () => string }> {
  const runtime = await spawnLocalRuntime({ port, logLevel: 'INFO', detached: true });
  running.push(runtime.child);
  return { child: runtime.child, output: () => runtime.stdout() + runtime.stderr() };
}

const killGroup = (child: ChildProcess) =>
  new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    process.kill(-child.pid!, 'SIGKILL');
  });

beforeAll(async () => {
  await createTable();
  await seedTestData();
});
afterAll(async () => {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) await killGroup(child);
});

it(
  'a bulk create survives the runtime killed by process group mid-task and finishes with exact counts after a restart',
  { timeout: 300_000 },
  async () => {
    const port = await freePort();
    const first = await startRuntime(port);
    const base = `http://127.0.0.1:${port}/api/v2.0`;
    const items = Array.from({ length: ITEMS }, (_, i) => ({ label: `crash-${i}` }));
    const accepted = await call(`${base}/organizations/_/bulk/create/`, { method: 'POST', headers: NETUX, body: JSON.stringify(items) });
    expect(accepted.status).toBe(202);
    const taskId: string = accepted.body.task.id;

    // Kill the whole runtime once the task is visibly under way (some items applied, some still pending).
    let seen = { succeeded: 0, failed: 0, pending: ITEMS };
    while (seen.succeeded < 100) {
      seen = (await call(`${base}/tasks/${taskId}/`, { headers: NETUX })).body;
      expect(seen.pending).toBeGreaterThan(0); // the kill must land mid-task
      await new Promise((resolve) => setTimeout(resolve, 20)); // polling interval
    }
    await killGroup(first.child);
    const atKill = (await getTask('demo', taskId))!;
    expect(atKill.status).toBe('RUNNING');

    const second = await startRuntime(port);
    let report;
    for (;;) {
      report = (await call(`${base}/tasks/${taskId}/`, { headers: NETUX })).body;
      expect(report.succeeded).toBeGreaterThanOrEqual(seen.succeeded); // progress survives the crash and only grows
      expect(report.succeeded + report.failed + report.pending).toBe(ITEMS);
      seen = report;
      if (!['PENDING', 'RUNNING'].includes(report.status)) break;
      await new Promise((resolve) => setTimeout(resolve, 200)); // polling interval
    }
    expect(report).toMatchObject({ status: 'SUCCEEDED', total: ITEMS, succeeded: ITEMS, failed: 0, pending: 0, failures: [] });
    expect(report.created.map((c: { index: number }) => c.index)).toEqual(items.map((_, i) => i));

    // What is stored is what the report says: every created id with its label, and no other crash-* organization.
    const stored = await getOrganizations(
      'demo',
      report.created.map((c: { id: string }) => c.id),
    );
    const labelOf = new Map(stored.map((o) => [o.id, o.label]));
    for (const { index, id } of report.created as { index: number; id: string }[]) expect(labelOf.get(id)).toBe(`crash-${index}`);
    expect((await allOrganizations('demo')).filter((o) => o.label.startsWith('crash-'))).toHaveLength(ITEMS);
    expect(stored.every((o) => o.version === 1)).toBe(true); // created once, never re-applied over itself
    expect(second.output()).toMatch(/"message":"bulk task resumed".*"attempt":1/);
    expect(second.output()).toMatch(/"message":"bulk task finished".*"status":"SUCCEEDED"/);
  },
);
