/**
 * Peak memory of one worker applying the largest chunk (250 items), in a fresh process, as a Lambda
 * worker would run it. Prints JSON. Needs DYNAMODB_ENDPOINT/TABLE_NAME of a seeded table.
 */
// A process of its own: the stores are installed here, as a Lambda's wiring does.
import '#shared/wiring.ts';

import { readFileSync } from 'node:fs';

import { createTask } from '#shared/db/tasks.ts';
import { applyChunk, chunkItems, newTask } from '#shared/domain/bulk-tasks.ts';

import { benchOrgId } from './bulk.ts';

const before = process.memoryUsage().rss;
const items = Array.from({ length: 250 }, (_, i) => ({
  key: benchOrgId(i),
  fields: { description: `memory ${i}`, properties: { note: 'x'.repeat(800) } },
}));
const chunks = chunkItems(items);
const taskId = `mem${Date.now().toString(16)}`;
await createTask('demo', { ...newTask(taskId, 'update', items.length, chunks.length), status: 'RUNNING' }, chunks);
const result = await applyChunk({ tenantId: 'demo', taskId, chunk: 0 });
const peakKb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
console.log(
  JSON.stringify({ items: chunks[0]!.items.length, applied: result.succeeded, rssBeforeMb: before / 2 ** 20, peakRssMb: peakKb / 1024 }),
);
