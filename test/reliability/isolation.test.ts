/**
 * Tenant isolation for every route of the route table: tenant B's credential on tenant A's ids behaves
 * exactly like a missing id (same status, same body once the id itself is masked), and what B lists
 * never contains A's items. Path parameters are filled from samples by name, so a new route with
 * known parameter names is covered without new test code; a route with neither is reported.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type Route, routes } from '#functions/routes.ts';
import { call, type Reply, responsysLogin, startSeededServer, type TestServer } from '#test/support/server.ts';

let server: TestServer;
let responsysTokenB = '';
let taskOfA = '';

/** Tenant A's value, and a value that exists nowhere, for each path parameter name (by dialect where ids differ). */
const refs: Record<string, [string, string]> = {
  key: ['409dba9c67d3bb19f554', 'ffffffffffffffffffff'],
  taskId: ['<task of A>', 'ffffffffffffffffffff'],
  organizationClientId: ['mon_organisation_id_1', 'missing_client_id_1'],
  'engagement:id': ['partenaire_id_1', 'missing_partner'],
  'apidae:id': ['4000007', '9999999'],
  programName: ['Winback', 'Missing'],
  campaignName: ['Spring Sale', 'Missing Campaign'],
  // By route where a name means another id there (a user id, not a member id).
  'ApidaeGetUtilisateurById:id': ['101', '999999'],
  eMail: ['ada@example.org', 'nobody@example.org'],
  membreId: ['7', '9999999'],
};

/** The sample of a path parameter of a route: by route, by dialect, or by name. */
const refOf = (route: Route, name: string) => refs[`${route.name}:${name}`] ?? refs[`${route.dialect}:${name}`] ?? refs[name];

/** Routes without path parameters: where tenant A's identifier goes in the request instead. */
const queryOrBody: Record<string, { refs: [string, string]; build: (ref: string) => { query?: string; body?: string } }> = {
  NetuxListOrganizations: { refs: ['organization-third', 'missing-label'], build: (ref) => ({ query: `label=${ref}` }) },
  NetuxCreateOrganization: { refs: ['organization-third', 'missing-label'], build: (ref) => ({ body: JSON.stringify({ label: ref }) }) },
  NetuxBulkUpdate: {
    refs: ['409dba9c67d3bb19f554', 'ffffffffffffffffffff'],
    build: (ref) => ({ body: JSON.stringify([{ id: ref, name: 'x' }]) }),
  },
  NetuxBulkFullUpdate: {
    refs: ['409dba9c67d3bb19f554', 'ffffffffffffffffffff'],
    build: (ref) => ({ body: JSON.stringify([{ id: ref, label: 'isolated-label' }]) }),
  },
  NetuxBulkCreate: { refs: ['organization-third', 'missing-label'], build: (ref) => ({ body: JSON.stringify([{ label: ref }]) }) },
  NetuxBulkDelete: { refs: ['409dba9c67d3bb19f554', 'ffffffffffffffffffff'], build: (ref) => ({ body: JSON.stringify([ref]) }) },
  NetuxBulkDeleteByDelete: { refs: ['409dba9c67d3bb19f554', 'ffffffffffffffffffff'], build: (ref) => ({ body: JSON.stringify([ref]) }) },
  EngagementListPublishers: { refs: ['partenaire_id_1', 'missing_partner'], build: () => ({}) },
  EngagementSearchOrganizations: {
    refs: ['Organization Third', 'Missing Name'],
    build: (ref) => ({ query: `q=${encodeURIComponent(ref)}` }),
  },
  ApidaeGetMembres: {
    refs: ['4000007', '9999999'],
    build: (ref) => ({
      query: `query=${encodeURIComponent(JSON.stringify({ projetId: 7777, apiKey: 'otherTenantApidae1', filter: { idParrain: Number(ref) === 4000007 ? 7 : 9999999 } }))}`,
    }),
  },
  ApidaePostMembres: {
    refs: ['7', '9999999'],
    build: (ref) => ({
      body: new URLSearchParams({
        query: JSON.stringify({ projetId: 7777, apiKey: 'otherTenantApidae1', filter: { idParrain: Number(ref) } }),
      }).toString(),
    }),
  },
  ResponsysLogin: {
    refs: ['demo-user', 'missing-user'],
    build: (ref) => ({ body: `user_name=${ref}&password=other-password&auth_type=password` }),
  },
  ResponsysGetOrganizations: { refs: ['Organization Third', 'Missing Name'], build: () => ({}) },
  ResponsysListPrograms: { refs: ['Winback', 'Missing'], build: () => ({}) },
  ResponsysListCampaigns: { refs: ['Spring Sale', 'Missing Campaign'], build: () => ({}) },
  ResponsysGetRateLimits: { refs: ['Winback', 'Missing'], build: () => ({}) },
};

const defaultBodies: Record<string, string> = {
  NetuxPatchOrganization: JSON.stringify({ description: 'x' }),
  NetuxPutOrganization: JSON.stringify({ label: 'isolation-put' }),
  EngagementPutMyOrganization: JSON.stringify({ publisherIds: ['partenaire_id_1'] }),
  ResponsysSetProgramAccess: JSON.stringify({ attributes: { organizations: { attributeValues: [{ name: 'Other USA' }] } } }),
  ResponsysSetCampaignAccess: JSON.stringify({ attributes: { organizations: { attributeValues: [{ name: 'Other USA' }] } } }),
};

function headersOfB(route: Route): Record<string, string> {
  const json = {
    'content-type':
      route.dialect === 'apidae' || route.name === 'ResponsysLogin' ? 'application/x-www-form-urlencoded' : 'application/json',
  };
  switch (route.dialect) {
    case 'netux':
      return { ...json, 'X-Auth-Token': 'other-tenant-netux-token', 'X-Bulk-Operation': 'True' };
    case 'engagement':
      return { ...json, 'x-api-key': 'other-tenant-engagement-key' };
    case 'responsys':
      return { ...json, Authorization: responsysTokenB };
    case 'apidae':
      return json;
  }
}

async function send(route: Route, ref: string): Promise<Reply> {
  let path = route.path;
  for (const [, name] of route.path.matchAll(/\{(\w+)\}/g)) {
    const [a, missing] = refOf(route, name!)!;
    const value = ref === 'A' ? (a === '<task of A>' ? taskOfA : a) : missing;
    path = path.replace(`{${name}}`, encodeURIComponent(value));
  }
  const special = queryOrBody[route.name];
  const built = special ? special.build(ref === 'A' ? special.refs[0] : special.refs[1]) : {};
  const query = new URLSearchParams(built.query ?? '');
  // Apidae credentials: inside get-membres' query JSON, in the query string of every other service.
  if (route.dialect === 'apidae' && !route.path.includes('get-membres')) {
    query.set('apiKey', 'otherTenantApidae1');
    query.set('projetId', '7777');
  }
  const body = built.body ?? defaultBodies[route.name];
  return call(`${server.url}${path}${query.size ? `?${query}` : ''}`, {
    method: route.method,
    headers: headersOfB(route),
    ...(route.method === 'GET' || (route.method === 'DELETE' && body === undefined) ? {} : { body: body ?? '' }),
  });
}

/** Masks the request's own identifiers and the values that differ between any two calls. */
function normalized(reply: Reply, masks: string[]): string {
  let text = reply.text;
  for (const mask of masks.filter(Boolean).sort((a, b) => b.length - a.length)) {
    for (const form of [mask, encodeURIComponent(mask), JSON.stringify(mask).slice(1, -1)]) text = text.split(form).join('<ref>');
  }
  return text
    .replace(/"(id|createdAt|updatedAt|url|authToken|issuedAt)":("[^"]*"|\d+)/g, '"$1":"<dynamic>"')
    .replace(/engagement-[0-9a-f]{20}/g, '<derived>');
}

beforeAll(async () => {
  server = await startSeededServer();
  responsysTokenB = await responsysLogin(server.url, 'other-tenant-user', 'other-password');
  const task = await call(`${server.url}/api/v2.0/organizations/_/bulk/update/`, {
    method: 'PATCH',
    headers: { 'X-Auth-Token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73', 'X-Bulk-Operation': 'True', 'content-type': 'application/json' },
    body: JSON.stringify([{ id: '409dba9c67d3bb19f554', name: 'Organization Third' }]),
  });
  taskOfA = task.body.task.id;
  await server.stepFunctions.idle();
});
afterAll(() => server.close());

describe('every route is covered', () => {
  it('has samples for every path parameter, or a query/body reference', () => {
    for (const route of routes) {
      const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const covered = params.length > 0 ? params.every((p) => refOf(route, p)) : route.name in queryOrBody;
      expect(covered, `${route.name} has no isolation sample: add one to refs or queryOrBody`).toBe(true);
    }
  });
});

describe.each(routes.map((route) => [route.name, route] as const))('%s', (_name, route) => {
  it("treats tenant A's identifiers like missing ones, for tenant B", async () => {
    const special = queryOrBody[route.name];
    const param = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!)[0];
    const pair = special?.refs ?? (param ? refOf(route, param)! : ['', '']);
    const masks = [...pair, taskOfA];
    const onA = await send(route, 'A');
    await server.stepFunctions.idle();
    const onMissing = await send(route, 'missing');
    await server.stepFunctions.idle();
    expect(onA.status, onA.text).toBe(onMissing.status);
    expect(onA.status).toBeLessThan(500);
    expect(normalized(onA, masks)).toBe(normalized(onMissing, masks));
    // Nothing of tenant A shows in what B receives.
    for (const secretOfA of [
      'Organization Third',
      'partenaire_id_1',
      '409dba9c67d3bb19f554',
      'Mon partenaire',
      'Winback',
      '"USA"',
      '"APAC"',
      'Lovelace',
      'ada@example.org',
    ]) {
      if (pair.includes(secretOfA)) continue;
      expect(onA.text, `${route.name} shows ${secretOfA} to tenant B`).not.toContain(secretOfA);
    }
  });
});

describe('bulk tasks of tenant B on tenant A ids', () => {
  it("fail those items exactly like missing ids, and leave A's organization alone", async () => {
    const report = async (id: string) => {
      const accepted = await call(`${server.url}/api/v2.0/organizations/_/bulk/update/`, {
        method: 'PATCH',
        headers: { 'X-Auth-Token': 'other-tenant-netux-token', 'X-Bulk-Operation': 'True', 'content-type': 'application/json' },
        body: JSON.stringify([{ id, name: 'hijacked' }]),
      });
      await server.stepFunctions.idle();
      const task = await call(`${server.url}/api/v2.0/tasks/${accepted.body.task.id}/`, {
        headers: { 'X-Auth-Token': 'other-tenant-netux-token' },
      });
      return { status: task.body.status, failures: task.body.failures.map((f: { code: number; detail: unknown }) => [f.code, f.detail]) };
    };
    expect(await report('409dba9c67d3bb19f554')).toEqual(await report('ffffffffffffffffffff'));
    const own = await call(`${server.url}/api/v2.0/organizations/409dba9c67d3bb19f554/`, {
      headers: { 'X-Auth-Token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73' },
    });
    expect(own.body.name).toBe('Organization Third');
  });
});
