/** Log lines: one JSON object each, in the keys Lambda's JSON log format reads, and no field ever dropped. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it, vi } from 'vitest';

import { contended } from '#shared/domain/lost-races.ts';
import { formatLogLine, type LogFields, logger, sourceMappedStack } from '#shared/logger.ts';
import { taskWorker, ThrottlingError } from '#shared/worker.ts';

/** The lines the real logger writes to stdout while `run` runs, parsed. */
async function captured(run: () => unknown): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const stdout = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  });
  logger.setLogLevel('DEBUG');
  try {
    await run();
  } finally {
    stdout.mockRestore();
  }
  return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
}

afterEach(() => logger.setLogLevel('SILENT'));

describe('log lines', () => {
  it('are one JSON line with level, message, timestamp, service and the fields at the top level', () => {
    const line = formatLogLine('INFO', 'request', { status: 200, route: '/x', nested: { a: [1] } });
    expect(line.endsWith('\n')).toBe(true);
    expect(line.trim()).not.toContain('\n');
    const record = JSON.parse(line);
    expect(record).toEqual({
      level: 'INFO',
      message: 'request',
      timestamp: expect.any(String),
      service: 'orgbridge',
      status: 200,
      route: '/x',
      nested: { a: [1] },
    });
    expect(new Date(record.timestamp).toISOString()).toBe(record.timestamp); // RFC 3339, which Lambda reads
  });

  it('keep a field named like a reserved key, beside it, instead of dropping it or overwriting the line', () => {
    // The types refuse these names; plain JavaScript callers or spread objects can still pass them.
    const record = JSON.parse(formatLogLine('WARN', 'failed', { message: 'the cause', level: 'x', timestamp: 1 } as unknown as LogFields));
    expect(record).toMatchObject({ level: 'WARN', message: 'failed', field_message: 'the cause', field_level: 'x', field_timestamp: 1 });
  });

  it('keep errors (name, message, stack) and bigints, and still write a line for a circular structure', () => {
    const record = JSON.parse(formatLogLine('ERROR', 'boom', { error: new TypeError('bad'), big: 2n ** 70n }));
    expect(record.error).toMatchObject({ name: 'TypeError', message: 'bad', stack: expect.stringContaining('TypeError: bad') });
    expect(record.big).toBe('1180591620717411303424');
    const circular: Record<string, unknown> = { id: 'c-1' };
    circular.self = circular;
    const fallback = JSON.parse(formatLogLine('ERROR', 'loop', { circular }));
    expect(fallback).toMatchObject({ level: 'ERROR', message: 'loop', fields: expect.stringContaining("id: 'c-1'") });
  });

  it('map the stack frames of a bundle through the map beside it, and leave other frames as they are', () => {
    const folder = mkdtempSync(join(tmpdir(), 'orgbridge-map-'));
    const bundle = join(folder, 'index.mjs');
    // Generated line 2, column 1 → the source's line 7, column 3 (VLQ "AAMA": same column, source 0, line +6).
    writeFileSync(`${bundle}.map`, JSON.stringify({ version: 3, sources: ['../../shared/http/x.ts'], names: [], mappings: ';AAMA,EAAE' }));
    const enabled = process.sourceMapsEnabled;
    process.setSourceMapsEnabled(false);
    try {
      const stack = `Error: boom\n    at f (file://${bundle}:2:1)\n    at g (/elsewhere/other.mjs:1:1)\n    at node:internal/x:1:1`;
      expect(sourceMappedStack(stack)).toBe(
        'Error: boom\n    at f (shared/http/x.ts:7:1)\n    at g (/elsewhere/other.mjs:1:1)\n    at node:internal/x:1:1',
      );
    } finally {
      process.setSourceMapsEnabled(enabled);
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('carry the Lambda request id and the X-Ray trace id of the invocation, as the runtime gives them', () => {
    // How the Node.js runtime client publishes them: a global symbol (src/LogPatch.js) and an environment variable.
    const requestIdSymbol = Symbol.for('aws.lambda.runtime.requestId');
    const runtime = globalThis as Record<symbol, unknown>;
    runtime[requestIdSymbol] = '8f5cc9a1-0000-4c4e-9d3b-1f2e3d4c5b6a';
    vi.stubEnv('_X_AMZN_TRACE_ID', 'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=557abcec3ee5a047;Sampled=1');
    try {
      expect(JSON.parse(formatLogLine('INFO', 'x'))).toMatchObject({
        function_request_id: '8f5cc9a1-0000-4c4e-9d3b-1f2e3d4c5b6a',
        xray_trace_id: '1-5759e988-bd862e3fe1be46a994272793',
      });
    } finally {
      delete runtime[requestIdSymbol];
      vi.unstubAllEnvs();
    }
  });

  it('are written at or above the level only', async () => {
    const lines = await captured(() => {
      logger.setLogLevel('WARN');
      logger.debug('d');
      logger.info('i');
      logger.warn('w');
      logger.error('e');
    });
    expect(lines.map((l) => [l.level, l.message])).toEqual([
      ['WARN', 'w'],
      ['ERROR', 'e'],
    ]);
  });
});

describe('a failed bulk-task step', () => {
  it('logs why it failed (`reason`), then surfaces throttling as ThrottlingError', async () => {
    const failing = async function applyChunk(_input: { taskId: string }): Promise<never> {
      throw Object.assign(new Error('Rate of requests exceeds the allowed throughput.'), { name: 'ThrottlingException' });
    };
    const handler = taskWorker(failing);
    let thrown: unknown;
    const lines = await captured(() => handler({ taskId: 't-1' }, {} as never).catch((error: unknown) => (thrown = error)));
    expect(thrown).toBeInstanceOf(ThrottlingError);
    expect(lines).toEqual([
      expect.objectContaining({
        level: 'WARN',
        message: 'task step failed',
        step: 'applyChunk',
        taskId: 't-1',
        error: 'ThrottlingException',
        reason: 'Rate of requests exceeds the allowed throughput.',
      }),
    ]);
  });

  it('surfaces a write that lost races for its whole time as ThrottlingError too (the state machine retries the chunk)', async () => {
    const crowded = async function applyChunk(_input: { taskId: string }): Promise<never> {
      throw contended('The organization');
    };
    let thrown: unknown;
    await captured(() => taskWorker(crowded)({ taskId: 't-2' }, {} as never).catch((error: unknown) => (thrown = error)));
    expect(thrown).toBeInstanceOf(ThrottlingError);
    expect((thrown as Error).message).toBe('The organization is being changed by other requests at this moment; retry.');
  });
});
