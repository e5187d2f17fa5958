/**
 * The admin CLI as operators run it: a separate process (`tsx tools/admin/cli.ts`) on this file's
 * DynamoDB Local table, checked through the API the clients use.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { repoRoot } from '#functions/routes.ts';
import { config } from '#shared/config.ts';
import { sha256 } from '#shared/crypto.ts';
import { dropListingKeys, dropUserIndexItems, putLegacyProgram } from '#test/support/directory.ts';
import { call, responsysLogin, startSeededServer, type TestServer } from '#test/support/server.ts';
import { snapshotTable } from '#test/support/table.ts';

let server: TestServer;
beforeAll(async () => {
  server = await startSeededServer();
});
afterAll(() => server.close());

const tsx = resolve(repoRoot, 'node_modules/.bin/tsx');

async function admin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      tsx,
      ['tools/admin/cli.ts', ...args, '--endpoint', config.dynamodbEndpoint!, '--table', config.tableName],
      {
        cwd: repoRoot,
        env: { ...process.env, AWS_REGION: 'us-east-1' },
      },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('usage', () => {
  it('--help lists every group; a command help lists its options; mistakes exit 2', async () => {
    const help = await admin('--help');
    expect(help.code).toBe(0);
    for (const group of [
      'tenants',
      'apps',
      'credentials',
      'publishers',
      'mappings',
      'clicks',
      'organizations',
      'programs',
      'campaigns',
      'import',
    ])
      expect(help.stdout).toContain(`${group} `);
    const move = await admin('organizations', 'move', '--help');
    expect(move.code).toBe(0);
    expect(move.stdout).toMatch(/--parent VALUE[\s\S]*--root/);
    expect((await admin('organizations', 'fly')).code).toBe(2);
    const missing = await admin('credentials', 'create', '--tenant', 'demo');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('missing --kind');
    expect((await admin('tenants', 'list', '--bogus')).code).toBe(2);
  });
});

describe('credentials', () => {
  it('a created Netux token works, is never listed, and stops working once revoked', { timeout: 60_000 }, async () => {
    const created = await admin('credentials', 'create', '--tenant', 'demo', '--kind', 'netux', '--scopes', 'read', '--json');
    expect(created.code).toBe(0);
    const { secret, credentialId } = JSON.parse(created.stdout) as { secret: string; credentialId: string };
    expect(created.stderr).toContain('shown only this once');
    const get = () => call(`${server.url}/api/v2.0/organizations/~usa/`, { headers: { 'x-auth-token': secret } });
    expect((await get()).status).toBe(200);

    const listed = await admin('credentials', 'list', '--tenant', 'demo');
    expect(listed.stdout).toContain(credentialId);
    expect(listed.stdout).not.toContain(secret);

    expect((await admin('credentials', 'revoke', '--tenant', 'demo', '--id', credentialId)).code).toBe(0);
    expect((await get()).status).toBe(401);
    expect((await admin('credentials', 'revoke', '--tenant', 'demo', '--id', credentialId)).code).toBe(1);
  });

  it('revoking a Responsys user also ends its open sessions; Apidae and Engagement keys work at once', { timeout: 60_000 }, async () => {
    const user = JSON.parse(
      (await admin('credentials', 'create', '--tenant', 'demo', '--kind', 'responsys', '--user', 'ops-user', '--json')).stdout,
    );
    const login = await call(`${server.url}/rest/api/v1.3/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ user_name: 'ops-user', password: user.secret, auth_type: 'password' }).toString(),
    });
    expect(login.status).toBe(200);
    const tree = () => call(`${server.url}/rest/api/v1.3/attributes/organizations`, { headers: { authorization: login.body.authToken } });
    expect((await tree()).status).toBe(200);
    const revoked = await admin('credentials', 'revoke', '--tenant', 'demo', '--id', user.credentialId);
    expect(revoked.stdout).toContain('1 session token');
    expect((await tree()).status).toBe(401);

    const apidae = JSON.parse(
      (await admin('credentials', 'create', '--tenant', 'demo', '--kind', 'apidae', '--projet-id', '4242', '--access', 'full', '--json'))
        .stdout,
    );
    // The shape the Apidae PHP client (pierre-granger/apidae-membres) checks before it sends a key.
    expect(apidae.secret).toMatch(/^[a-zA-Z0-9]{1,20}$/);
    expect((await call(`${server.url}/api/v002/membre/get-by-id/7?projetId=4242&apiKey=${apidae.secret}`)).status).toBe(200);
    const engagement = await admin('credentials', 'create', '--tenant', 'demo', '--kind', 'engagement', '--publisher', 'no-such-publisher');
    expect(engagement.code).toBe(1);
    expect(engagement.stderr).toContain('Publisher no-such-publisher does not exist');
  });
});

describe('organizations, hierarchy and member data', () => {
  it(
    'creates under a parent, moves, refuses a cycle without changing anything, and replaces member data',
    { timeout: 60_000 },
    async () => {
      const created = await admin(
        'organizations',
        'create',
        '--tenant',
        'demo',
        '--label',
        'ops-branch',
        '--name',
        'Ops Branch',
        '--parent',
        '~global',
        '--json',
      );
      expect(created.code).toBe(0);
      const branch = JSON.parse(created.stdout);
      expect(branch.parent).toBe('0000000000000012000007');

      const before = await snapshotTable();
      const orphan = await admin('organizations', 'create', '--tenant', 'demo', '--label', 'ops-orphan', '--parent', '~no-such-parent');
      expect(orphan.code).toBe(1);
      expect(orphan.stderr).toContain('Parent organization does not exist');
      const cycle = await admin('organizations', 'move', '--tenant', 'demo', '--key', '~usa', '--parent', '~ops-branch');
      expect(cycle.code).toBe(1);
      expect(cycle.stderr).toContain('cannot be moved under itself or its descendants');
      expect(await snapshotTable()).toEqual(before);

      expect((await admin('organizations', 'move', '--tenant', 'demo', '--key', '~ops-branch', '--root')).code).toBe(0);
      const token = { 'x-auth-token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73' };
      expect((await call(`${server.url}/api/v2.0/organizations/~ops-branch/`, { headers: token })).body.name).toBe('Ops Branch');

      const dir = await mkdtemp(join(tmpdir(), 'orgbridge-admin-'));
      await writeFile(
        join(dir, 'member.json'),
        JSON.stringify({ sponsor: 7, users: [{ id: 9001, prenom: 'Ops', nom: 'User', eMail: 'ops@example.org' }], tags: ['ops'] }),
      );
      expect(
        (await admin('organizations', 'member', '--tenant', 'demo', '--key', '~ops-branch', '--file', join(dir, 'member.json'))).code,
      ).toBe(0);
      const search = await call(
        `${server.url}/api/v002/membre/get-membres?query=${encodeURIComponent(JSON.stringify({ projetId: 1234, apiKey: 'demoApidaeKey1', responseFields: ['UTILISATEURS', 'TAGS'], filter: { idParrain: 7 } }))}`,
      );
      const member = (search.body as { id: number; utilisateurs?: { id: number }[]; tags?: string[] }[]).find((m) => m.id === branch.intId);
      expect(member).toMatchObject({ utilisateurs: [{ id: 9001 }], tags: ['ops'] });
      // The CLI writes through the same domain write as every path: the user is indexed for the utilisateur services.
      const user = await call(`${server.url}/api/v002/utilisateur/get-by-mail/OPS@example.org?projetId=1234&apiKey=demoApidaeKey1`);
      expect(user.body).toMatchObject({ id: 9001, firstName: 'Ops', membre: { id: branch.intId } });

      await writeFile(join(dir, 'bad.json'), JSON.stringify({ users: [{ id: 'x' }] }));
      const bad = await admin('organizations', 'member', '--tenant', 'demo', '--key', '~ops-branch', '--file', join(dir, 'bad.json'));
      expect(bad.code).toBe(1);
      expect(bad.stderr).toContain('users.0.id');
    },
  );
});

describe('directory', () => {
  it('publishers, diffuseur links, mappings, programs and campaigns', { timeout: 60_000 }, async () => {
    const run = async (...args: string[]) => {
      const result = await admin(...args);
      expect(result.code, result.stderr).toBe(0);
      return result;
    };
    await run('publishers', 'create', '--tenant', 'demo', '--id', 'ops-pub', '--name', 'Ops Publisher', '--api');
    await run('publishers', 'link', '--tenant', 'demo', '--publisher', 'mon_annonceur', '--diffuseur', 'ops-pub');
    const key = { 'x-api-key': 'demo-engagement-key-0001' };
    expect((await call(`${server.url}/v0/publisher/ops-pub`, { headers: key })).status).toBe(200);
    await run('publishers', 'unlink', '--tenant', 'demo', '--publisher', 'mon_annonceur', '--diffuseur', 'ops-pub');
    expect((await call(`${server.url}/v0/publisher/ops-pub`, { headers: key })).status).toBe(404);

    await run(
      'mappings',
      'create',
      '--tenant',
      'demo',
      '--publisher',
      'mon_annonceur',
      '--client-id',
      'crm-42',
      '--organization',
      '~organization-third',
      '--allow',
      'partenaire_id_2',
    );
    const settings = await call(`${server.url}/v0/myorganization/crm-42`, { headers: key });
    expect(settings.body.data.filter((p: { excluded: boolean }) => !p.excluded).map((p: { _id: string }) => p._id)).toEqual([
      'partenaire_id_2',
    ]);
    expect((await run('mappings', 'list', '--tenant', 'demo', '--publisher', 'mon_annonceur')).stdout).toContain('crm-42');
    const setClicks = (partner: string, clicks: string) =>
      admin('clicks', 'set', '--tenant', 'demo', '--organization', '~organization-third', '--partner', partner, '--clicks', clicks);
    expect((await setClicks('partenaire_id_2', '12')).code).toBe(0);
    const clicked = await call(`${server.url}/v0/myorganization/crm-42`, { headers: key });
    expect(clicked.body.data.map((p: { clicks: number }) => p.clicks)).toEqual([0, 12, 0]);
    expect((await run('clicks', 'list', '--tenant', 'demo', '--organization', '~organization-third')).stdout).toMatch(
      /partenaire_id_2\s+12/,
    );
    expect((await setClicks('nobody', '1')).code).toBe(1);
    expect((await setClicks('partenaire_id_2', '-1')).code).toBe(2);

    await run('programs', 'create', '--tenant', 'demo', '--id', '77', '--name', 'Ops Program');
    await run('programs', 'access', '--tenant', 'demo', '--name', 'Ops Program', '--organizations', '~usa,~apac');
    const responsys = await responsysLogin(server.url);
    const access = await call(`${server.url}/rest/api/v1.3/attributes/programs/Ops%20Program`, { headers: { authorization: responsys } });
    expect(access.body.attributes.organizations.attributeValues.map((o: { name: string }) => o.name)).toEqual(['USA', 'APAC']);
    // An update gives what changes; the rest (the access set too) is kept.
    await run('programs', 'create', '--tenant', 'demo', '--id', '77', '--name', 'Ops Program', '--status', 'RUNNING', '--folder', 'Ops');
    await run('programs', 'create', '--tenant', 'demo', '--id', '77', '--name', 'Ops Program', '--list-name', 'OPS', '--list-id', '5');
    await run('programs', 'create', '--tenant', 'demo', '--id', '77', '--name', 'Ops Program', '--channels', 'EMAIL,SMS');
    const program = await call(`${server.url}/rest/api/v1.3/programs/Ops%20Program`, { headers: { authorization: responsys } });
    expect(program.body).toMatchObject({ status: 'RUNNING', folderName: 'Ops', list: { id: 5, name: 'OPS' }, channels: ['EMAIL', 'SMS'] });
    expect(
      (await call(`${server.url}/rest/api/v1.3/attributes/programs/Ops%20Program`, { headers: { authorization: responsys } })).body,
    ).toEqual(access.body);
    expect((await admin('programs', 'create', '--tenant', 'demo', '--id', '77', '--name', 'Ops Program', '--status', 'ACTIVE')).code).toBe(
      1,
    );
    await run('campaigns', 'create', '--tenant', 'demo', '--id', '78', '--name', 'Ops Campaign', '--type', 'push', '--status', 'DRAFT');
    expect((await run('campaigns', 'list', '--tenant', 'demo')).stdout).toContain('Ops Campaign');
    const push = await call(`${server.url}/rest/api/v1.3/campaigns?type=push`, { headers: { authorization: responsys } });
    expect(push.body.campaigns.map((c: { name: string }) => c.name)).toContain('Ops Campaign');
    expect((await admin('programs', 'access', '--tenant', 'demo', '--name', 'Ops Program', '--organizations', '~nope')).code).toBe(1);
  });

  it(
    'migrates credentials, programs, campaigns and member users written before their listings and indexes',
    { timeout: 60_000 },
    async () => {
      await dropListingKeys('engagement', sha256('demo-engagement-key-0001'));
      await putLegacyProgram('demo', 88, 'Legacy Program');
      await dropUserIndexItems('demo', { id: '00000000000000004000007', intId: 4000007 }, 201, 'grace@example.org');
      const grace = () => call(`${server.url}/api/v002/utilisateur/get-by-id/201?projetId=1234&apiKey=demoApidaeKey1`);
      expect((await grace()).status).toBe(404);
      const hidden = await admin('credentials', 'list', '--tenant', 'demo');
      expect(hidden.stdout).not.toContain('publisher mon_annonceur');
      const migrated = await admin('migrate', 'listings');
      expect(migrated.code).toBe(0);
      expect(migrated.stdout).toMatch(/Added listing keys to 1 item/);
      expect((await admin('credentials', 'list', '--tenant', 'demo')).stdout).toContain('publisher mon_annonceur');
      expect(migrated.stdout).toMatch(/Rewrote 1 program/);
      expect(migrated.stdout).toMatch(/Wrote 2 index item/);
      expect((await grace()).body).toMatchObject({ id: 201, firstName: 'Grace' });
      const programs = await call(`${server.url}/rest/api/v1.3/programs?status=RUNNING`, {
        headers: { authorization: await responsysLogin(server.url) },
      });
      expect(programs.body.programs.map((p: { name: string }) => p.name)).toContain('Legacy Program');
      const again = await admin('migrate', 'listings');
      expect(again.stdout).toMatch(/Added listing keys to 0 item/);
      expect(again.stdout).toMatch(/Rewrote 0 program/);
      expect(again.stdout).toMatch(/Wrote 0 index item/);
    },
  );

  it('imports a seed file with progress, then lists the new tenant', { timeout: 60_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'orgbridge-admin-'));
    const organizations = Array.from({ length: 300 }, (_, i) => ({
      id: (0x100000 + i).toString(16).padStart(20, '0'),
      intId: i + 1,
      label: `imported-${i}`,
      name: `Imported ${i}`,
    }));
    await writeFile(join(dir, 'seed.json'), JSON.stringify({ tenants: [{ id: 'imported', name: 'Imported tenant', organizations }] }));
    const imported = await admin('import', 'seed', '--file', join(dir, 'seed.json'));
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stderr).toContain('300/300');
    expect(imported.stdout).toContain('300 organization(s)');
    expect((await admin('tenants', 'list')).stdout).toMatch(/imported\s+Imported tenant/);
  });
});
