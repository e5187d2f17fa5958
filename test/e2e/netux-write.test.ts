/** Netux single-object writes over HTTP: create, PATCH, PUT, DELETE and the delete rule. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { getOrganization } from '#shared/db/organizations.ts';
import { getAccessListForTest, getMappingForTest } from '#test/support/directory.ts';
import { call, startSeededServer, type TestServer } from '#test/support/server.ts';
import { snapshotTable } from '#test/support/table.ts';

const TOKEN = 'oaXBo6ODhIjPsusNRPUGIK4d72bc73';
let server: TestServer;
const send = (method: string, path: string, body?: unknown, token: string | null = TOKEN) =>
  call(`${server.url}/api/v2.0${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { 'X-Auth-Token': token } : {}) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });

beforeAll(async () => {
  server = await startSeededServer();
});
afterAll(() => server.close());

describe('POST /organizations/', () => {
  it('creates with defaults (name = label) and answers 201 with the Organization', async () => {
    const reply = await send('POST', '/organizations/', { label: 'acme', app: '~field-app', favicon: 'https://x.example/f.ico' });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({
      label: 'acme',
      name: 'acme',
      description: '',
      isActive: true,
      properties: {},
      app: { id: '6a1f0c2d9e8b7a6f5e4d3c2b', label: 'field-app' },
      favicon: { raw: 'https://x.example/f.ico', h36: 'https://x.example/f.ico', h50: 'https://x.example/f.ico' },
      logo: null,
      usersCount: 0,
    });
    expect(reply.body.id).toMatch(/^[0-9a-f]{24}$/);
    expect(reply.body.url).toBe(`${server.url}/api/v2.0/organizations/${reply.body.id}/`);
    expect((await send('GET', `/organizations/~acme/`)).body.id).toBe(reply.body.id);
  });

  it('derives a unique URL-safe label from the name when the body has none (as the official ubidots-cli sends)', async () => {
    const first = await send('POST', '/organizations/', { name: 'Acme Corp' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ label: 'acme-corp', name: 'Acme Corp' });
    const second = await send('POST', '/organizations/', { name: 'ACME  corp!' });
    expect(second.body).toMatchObject({ label: 'acme-corp-2', name: 'ACME  corp!' });
    expect((await send('POST', '/organizations/', { name: 'Ça & Là' })).body.label).toBe('ca-la');
    expect((await send('POST', '/organizations/', { name: '!!!' })).body.label).toBe('organization');
    expect((await send('GET', '/organizations/~acme-corp-2/')).body.id).toBe(second.body.id);
  });

  it('refuses a duplicate label with 400001 detail.label and stores nothing', async () => {
    const before = await snapshotTable();
    const reply = await send('POST', '/organizations/', { label: 'usa', name: 'Again' });
    expect(reply.status).toBe(400);
    expect(reply.body).toEqual({
      code: 400001,
      message: 'Validation Error.',
      detail: { label: ['Organization with this label already exists.'] },
    });
    expect(await snapshotTable()).toEqual(before);
  });

  it('answers 400001 for a missing label, a bad URL, an unknown app, malformed JSON and a non-object body', async () => {
    const before = await snapshotTable();
    expect((await send('POST', '/organizations/', { description: 'x' })).body.detail).toEqual({ label: ['This field is required.'] });
    expect(Object.keys((await send('POST', '/organizations/', { label: 'ok-1', logo: 'not a url' })).body.detail)).toEqual(['logo']);
    expect((await send('POST', '/organizations/', { label: 'ok-2', app: 'nope' })).body.detail).toEqual({
      app: ['App "nope" does not exist.'],
    });
    const malformed = await send('POST', '/organizations/', '{"label": ');
    expect(malformed.status).toBe(400);
    expect(malformed.body.code).toBe(400001);
    expect(Object.keys((await send('POST', '/organizations/', [1, 2])).body.detail)).toEqual(['non_field_errors']);
    expect(await snapshotTable()).toEqual(before);
  });

  it('accepts form-data (the create page: "you can send the other attributes as form-data too") and urlencoded bodies', async () => {
    const form = new FormData();
    form.append('label', 'form-made');
    form.append('name', 'Made from a form');
    form.append('description', 'multipart');
    form.append('properties', JSON.stringify({ color: '#BADA55' }));
    form.append('isActive', 'False');
    form.append('app', '~field-app');
    form.append('logo', 'https://cdn.example.org/form.png');
    const multipart = await call(`${server.url}/api/v2.0/organizations/`, {
      method: 'POST',
      headers: { 'X-Auth-Token': TOKEN },
      body: form,
    });
    expect(multipart.status, multipart.text).toBe(201);
    expect(multipart.body).toMatchObject({
      label: 'form-made',
      name: 'Made from a form',
      description: 'multipart',
      properties: { color: '#BADA55' },
      isActive: false,
      app: { label: 'field-app' },
      logo: { raw: 'https://cdn.example.org/form.png' },
      favicon: null,
    });
    // curl -d 'name=…' (urlencoded, curl's default): a label is derived from the name, as for JSON.
    const urlencoded = await call(`${server.url}/api/v2.0/organizations/?token=${TOKEN}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Urlencoded+Corp&isActive=true&app=',
    });
    expect(urlencoded.status, urlencoded.text).toBe(201);
    expect(urlencoded.body).toMatchObject({ label: 'urlencoded-corp', name: 'Urlencoded Corp', isActive: true, app: null });
    // The update page allows forms too.
    const patched = await call(`${server.url}/api/v2.0/organizations/~form-made/`, {
      method: 'PATCH',
      headers: { 'X-Auth-Token': TOKEN, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'isActive=1&description=patched+by+a+form',
    });
    expect(patched.body).toMatchObject({ isActive: true, description: 'patched by a form', name: 'Made from a form' });
  });

  it("answers a form's bad fields with 400001 per field (a file, bad JSON, a bad boolean, a malformed body), storing nothing", async () => {
    const before = await snapshotTable();
    const post = (body: RequestInit['body'], headers: Record<string, string> = {}) =>
      call(`${server.url}/api/v2.0/organizations/`, { method: 'POST', headers: { 'X-Auth-Token': TOKEN, ...headers }, body });
    // The create page's own example: -F 'favicon=path/logo.png' -F 'logo=@logoname'.
    const example = new FormData();
    example.append('label', 'with-files');
    example.append('favicon', 'path/logo.png');
    example.append('logo', new Blob([Buffer.from([0x89, 0x50, 0x4e, 0x47])], { type: 'image/png' }), 'logoname');
    const files = await post(example);
    expect(files.status).toBe(400);
    expect(files.body).toEqual({
      code: 400001,
      message: 'Validation Error.',
      detail: { logo: ['Give this field as text (an image as its URL): uploaded files are not stored.'] },
    });
    const badUrl = new FormData();
    badUrl.append('label', 'with-files');
    badUrl.append('favicon', 'path/logo.png');
    expect((await post(badUrl)).body.detail).toEqual({ favicon: ['Enter a valid URL.'] });
    const urlencoded = { 'content-type': 'application/x-www-form-urlencoded' };
    expect((await post('label=bad-json&properties=%7Bnope', urlencoded)).body.detail).toEqual({
      properties: ['Value must be valid JSON.'],
    });
    expect(Object.keys((await post('label=bad-bool&isActive=maybe', urlencoded)).body.detail)).toEqual(['isActive']);
    expect((await post('description=no+label', urlencoded)).body.detail).toEqual({ label: ['This field is required.'] });
    for (const [body, type] of [
      ['--x\r\nContent-Disposition: form-data; name="label"\r\n\r\nunterminated', 'multipart/form-data; boundary=x'],
      ['label=x', 'multipart/form-data'],
      ['', 'multipart/form-data; boundary=abc'],
      // Bytes that are not UTF-8 in a field: read as U+FFFD, which no label may hold.
      [
        Buffer.concat([
          Buffer.from('--x\r\nContent-Disposition: form-data; name="label"\r\n\r\n'),
          Buffer.from([0xff, 0xfe, 0xc0]),
          Buffer.from('\r\n--x--\r\n'),
        ]),
        'multipart/form-data; boundary=x',
      ],
    ] as const) {
      const malformed = await post(body, { 'content-type': type });
      expect(malformed.status, `${type}: ${malformed.text}`).toBe(400);
      expect(malformed.body).toMatchObject({ code: 400001, message: 'Validation Error.' });
    }
    expect(await snapshotTable()).toEqual(before);
  });

  it('needs the write scope', async () => {
    const reply = await send('POST', '/organizations/', { label: 'nope' }, 'demo-netux-read-only-token');
    expect(reply.status).toBe(403);
    expect(reply.body.code).toBe(403001);
  });
});

describe('PATCH and PUT /organizations/{key}/', () => {
  it('PATCH changes only the given fields and replaces properties whole', async () => {
    const reply = await send('PATCH', '/organizations/~organization-third/', { description: 'patched', properties: { a: 1 } });
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({
      label: 'organization-third',
      name: 'Organization Third',
      description: 'patched',
      properties: { a: 1 },
    });
    const again = await send('PATCH', '/organizations/409dba9c67d3bb19f554/', { properties: { b: 2 } });
    expect(again.body.properties).toEqual({ b: 2 });
  });

  it('PUT requires label and resets absent fields', async () => {
    expect((await send('PUT', '/organizations/~organization-third/', { name: 'x' })).body.detail).toEqual({
      label: ['This field is required.'],
    });
    const reply = await send('PUT', '/organizations/~organization-third/', { label: 'organization-3' });
    expect(reply.body).toMatchObject({ label: 'organization-3', name: 'organization-3', description: '', properties: {}, isActive: true });
    expect((await send('GET', '/organizations/~organization-third/')).status).toBe(404);
    expect((await send('GET', '/organizations/~organization-3/')).body.id).toBe('409dba9c67d3bb19f554');
  });

  it('renaming to a taken label is refused and changes nothing', async () => {
    const before = await snapshotTable();
    const reply = await send('PATCH', '/organizations/~organization-3/', { label: 'usa' });
    expect(reply.body.detail).toEqual({ label: ['Organization with this label already exists.'] });
    expect(await snapshotTable()).toEqual(before);
  });

  it('refuses properties DynamoDB cannot store (empty keys, 33 levels, out-of-range numbers) with a 400, changing nothing', async () => {
    let deep: unknown = 1;
    for (let i = 0; i < 33; i++) deep = { d: deep };
    const cases: [unknown, string][] = [
      [{ '': 0 }, 'Keys may not be empty.'],
      [{ a: [{ b: { '': 'x' } }] }, 'Keys may not be empty.'],
      [{ big: 1e200 }, 'Numbers must be 0 or between 1E-130 and 9007199254740991 in magnitude.'],
      [{ tiny: [1e-200] }, 'Numbers must be 0 or between 1E-130 and 9007199254740991 in magnitude.'],
      [{ unsafe: Number.MAX_SAFE_INTEGER + 2 }, 'Numbers must be 0 or between 1E-130 and 9007199254740991 in magnitude.'],
      [deep, 'Values may be nested at most 30 levels deep.'],
    ];
    const before = await snapshotTable();
    for (const [properties, message] of cases) {
      for (const [method, path, body] of [
        ['PATCH', '/organizations/~usa/', { properties }],
        ['POST', '/organizations/', { label: 'unstorable', properties }],
      ] as const) {
        const reply = await send(method, path, body);
        expect(reply.status, `${method} ${JSON.stringify(properties).slice(0, 60)}`).toBe(400);
        expect(reply.body).toEqual({ code: 400001, message: 'Validation Error.', detail: { properties: [message] } });
      }
    }
    expect(await snapshotTable()).toEqual(before);
    // What DynamoDB does store is accepted: zero, the range limits, 30 levels, empty arrays and objects.
    let thirty: unknown = 0;
    for (let i = 0; i < 29; i++) thirty = { d: thirty };
    const storable = { zero: 0, max: Number.MAX_SAFE_INTEGER, min: -1e-130, fraction: 0.1, deep: thirty, empty: [], none: {} };
    const reply = await send('PATCH', '/organizations/~usa/', { properties: storable });
    expect(reply.status).toBe(200);
    expect(reply.body.properties).toEqual(storable);
  });

  it('answers 404001 for unknown keys', async () => {
    expect((await send('PATCH', '/organizations/~missing/', { name: 'x' })).status).toBe(404);
    expect((await send('PUT', '/organizations/ffffffffffffffffffff/', { label: 'x-y' })).status).toBe(404);
  });

  it('concurrent PATCHes of different fields both land (no lost update)', async () => {
    const patches = Array.from({ length: 8 }, (_, i) =>
      send('PATCH', '/organizations/~organization-fifth/', { properties: undefined, [i % 2 ? 'name' : 'description']: `v${i}` }),
    );
    const replies = await Promise.all(patches);
    expect(replies.every((r) => r.status === 200)).toBe(true);
    const final = (await send('GET', '/organizations/~organization-fifth/')).body;
    // Each writer's field survives: the last name and the last description written are some writer's values.
    expect(['v1', 'v3', 'v5', 'v7']).toContain(final.name);
    expect(['v0', 'v2', 'v4', 'v6']).toContain(final.description);
  });
});

describe('DELETE /organizations/{key}/', () => {
  it('refuses while children exist, naming them, and changes nothing', async () => {
    const before = await snapshotTable();
    const reply = await send('DELETE', '/organizations/~usa/');
    expect(reply.status).toBe(400);
    expect(reply.body.code).toBe(400001);
    expect(reply.body.detail.children[0]).toContain('00000000000000004000007');
    expect(reply.body.detail.children[0]).toContain('0000000000000012000007');
    expect(await snapshotTable()).toEqual(before);
  });

  it('removes the organization from access sets, mappings and as a sponsor; 204; then 404', async () => {
    expect((await send('DELETE', '/organizations/~mon-organisation-1/')).status).toBe(204);
    expect(await getMappingForTest('demo', 'mon_annonceur', 'mon_organisation_id_1')).toBeUndefined();
    expect((await send('GET', '/organizations/~mon-organisation-1/')).status).toBe(404);
    expect((await send('DELETE', '/organizations/~mon-organisation-1/')).status).toBe(404);

    expect((await send('DELETE', '/organizations/~sponsor-leaf/')).status).toBe(204);
    expect((await getAccessListForTest('demo', 'program', 'TestProgram'))?.organizationIds).toEqual(['5000000000000000000002']);
    expect((await getAccessListForTest('demo', 'campaign', 'TestCampaign'))?.organizationIds).toEqual([]);
    expect((await getOrganization('demo', '5000000000000000000002'))?.member.sponsorIntId).toBeNull();
  });
});

describe('updatedAt', () => {
  it('is the creation time on create, and moves on with every write (PATCH in place or relabelling, PUT, bulk update); reads leave it', async () => {
    const created = await send('POST', '/organizations/', { label: 'stamped' });
    expect(created.body.updatedAt).toBe(created.body.createdAt);
    expect(created.body).toMatchObject({ devicesCount: 0, usersCount: 0 });
    let last = created.body.updatedAt as string;
    const movedOn = async (reply: { status: number; body: { updatedAt: string } }) => {
      expect(reply.status).toBeLessThan(300);
      expect(reply.body.updatedAt > last, `${reply.body.updatedAt} after ${last}`).toBe(true);
      last = reply.body.updatedAt;
    };
    await movedOn(await send('PATCH', '/organizations/~stamped/', { description: 'in place' }));
    await movedOn(await send('PATCH', '/organizations/~stamped/', { label: 'stamped-2' }));
    await movedOn(await send('PUT', '/organizations/~stamped-2/', { label: 'stamped-2', name: 'Stamped' }));
    expect((await send('GET', '/organizations/~stamped-2/')).body.updatedAt).toBe(last);
    const accepted = await call(`${server.url}/api/v2.0/organizations/_/bulk/update/`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'X-Auth-Token': TOKEN, 'X-Bulk-Operation': 'True' },
      body: JSON.stringify([{ id: created.body.id, name: 'Stamped by a task' }]),
    });
    expect(accepted.status).toBe(202);
    await server.stepFunctions.idle();
    await movedOn(await send('GET', '/organizations/~stamped-2/'));
    // The list answers the same object.
    expect((await send('GET', '/organizations/?label=stamped-2')).body.results[0].updatedAt).toBe(last);
  });
});

describe('PATCH with nothing to change', () => {
  it('answers 200 with the organization unchanged but its version moved on', async () => {
    const reply = await send('PATCH', '/organizations/~apac/', {});
    expect(reply.status).toBe(200);
    expect(reply.body.label).toBe('apac');
  });
});

describe('GET /organizations/ with the get-all page’s filters', () => {
  it('filters by id, description, createdAt, properties and app, ANDed, and refuses properties that are not a JSON object', async () => {
    const create = async (label: string, fields: Record<string, unknown>) =>
      (await send('POST', '/organizations/', { label, ...fields })).body;
    const a = await create('filter-a', { description: 'Filtered on purpose', properties: { city: 'Lyon', size: 3 }, app: '~field-app' });
    const b = await create('filter-b', { description: 'Filtered on purpose', properties: { city: 'Lyon', size: '3' } });
    await create('filter-c', { description: 'Another one', properties: { city: 'Annecy' } });
    const labels = async (query: string) => {
      const reply = await send('GET', `/organizations/?${query}&sort_by=label`);
      expect(reply.status, query).toBe(200);
      expect(reply.body.count).toBe(reply.body.results.length);
      return reply.body.results.map((o: { label: string }) => o.label);
    };
    expect(await labels(`id=${a.id}`)).toEqual(['filter-a']);
    expect(await labels(`id=${a.id}&label=filter-b`)).toEqual([]);
    expect(await labels(`description=${encodeURIComponent('Filtered on purpose')}`)).toEqual(['filter-a', 'filter-b']);
    expect(await labels(`createdAt=${encodeURIComponent(b.createdAt)}`)).toEqual(['filter-b']);
    expect(await labels(`properties=${encodeURIComponent('{"city":"Lyon"}')}`)).toEqual(['filter-a', 'filter-b']);
    // JSON equality: 3 is not "3".
    expect(await labels(`properties=${encodeURIComponent('{"city":"Lyon","size":3}')}`)).toEqual(['filter-a']);
    expect(await labels('app=~field-app&description=Filtered%20on%20purpose')).toEqual(['filter-a']);
    expect(await labels('app=~no-such-app')).toEqual([]);
    // The docs' "list with a filter, then bulk-delete" flow: an unknown id lists nothing, never everything.
    expect(await labels('id=409dba9c67d3bb19f554ffff')).toEqual([]);
    // Query parameters no filter names stay ignored, as the vendor's framework ignores them.
    expect((await labels('format=json&_=12345')).length).toBeGreaterThan(3);
    for (const text of ['[1]', '{"city":"\\ud800"}', '{bad']) {
      const bad = await send('GET', `/organizations/?properties=${encodeURIComponent(text)}`);
      expect(bad.status, text).toBe(400);
      expect(bad.body).toMatchObject({ code: 400001, detail: { properties: [expect.stringContaining('JSON object')] } });
    }
  });
});
