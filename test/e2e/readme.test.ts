/**
 * The README's "one curl each" block, run as a reader would (bash and curl) against the local API on the
 * demo data: every request succeeds, the Netux task id comes from the bulk request's 202, and the bulk
 * update changes what it says.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { repoRoot } from '#functions/routes.ts';
import { call, startSeededServer, type TestServer } from '#test/support/server.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startSeededServer();
});
afterAll(() => server.close());

/** The shell block under a README heading. */
function shellBlock(heading: string): string {
  const readme = readFileSync(resolve(repoRoot, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf(`## ${heading}`));
  return /```sh\n([\s\S]*?)```/.exec(section)![1]!;
}

describe('README', () => {
  it('"The four dialects, one curl each" runs as written, and its bulk example changes the organizations it names', async () => {
    const block = shellBlock('The four dialects, one curl each');
    expect(block).not.toMatch(/<[a-z ]+>/); // no placeholder left for the reader to fill in
    // Every request must succeed (a 4xx or 5xx fails the script), and the script goes on as written.
    const script = `set -euo pipefail\ncurl() { command curl -sS --fail-with-body "$@"; echo; }\n${block.replaceAll('http://127.0.0.1:3000', server.url)}`;
    const { stdout } = await promisify(execFile)('bash', ['-c', script], { cwd: repoRoot, timeout: 60_000 });
    // The task read is the one the 202 answered (its id captured from {"task":{"id":…}}).
    const report = JSON.parse(stdout.split('\n').find((line) => line.includes('"kind":"bulk_update"'))!);
    expect(report).toMatchObject({ id: expect.stringMatching(/^[0-9a-f]{20}$/), total: 2 });
    await server.stepFunctions.idle();
    const token = { 'X-Auth-Token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73' };
    expect((await call(`${server.url}/api/v2.0/tasks/${report.id}/`, { headers: token })).body).toMatchObject({
      status: 'SUCCEEDED',
      succeeded: 2,
    });
    expect((await call(`${server.url}/api/v2.0/organizations/409dba9c67d3bb19f554/`, { headers: token })).body.name).toBe(
      'Organization Three',
    );
    expect((await call(`${server.url}/api/v2.0/organizations/4923b1670068c9c54b06/`, { headers: token })).body.isActive).toBe(true);
  });
});
