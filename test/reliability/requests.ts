/**
 * fast-check generators of whole requests for any route of the route table: path parameters, query
 * strings, headers and bodies — valid samples, wrong types, huge values, unicode, broken JSON,
 * missing and duplicated fields. A new route is fuzzed without new test code: only a sample of its
 * path parameters may help the generator reach deeper.
 */
import fc from 'fast-check';

import type { Route } from '#functions/routes.ts';

export interface Credentials {
  responsysToken: string;
}

export interface FuzzRequest {
  path: string;
  method: string;
  headers: Record<string, string>;
  body?: string;
}

/** Sample values of path parameters that exist in the demo seed (so generated requests reach the domain). */
const pathSamples: Record<string, string[]> = {
  key: ['0000000000000000000007', '~usa', '409dba9c67d3bb19f554', '~apac', 'ffffffffffffffffffff'],
  taskId: ['ffffffffffffffffffff'],
  organizationClientId: ['mon_organisation_id_1', 'new-client'],
  id: ['partenaire_id_1', '7', '4000007'],
  programName: ['Welcome', 'Winback', 'Nope'],
  campaignName: ['Spring Sale', 'Nope'],
};

const knownQueryKeys = [
  'page',
  'page_size',
  'search',
  'label',
  'name',
  'sort_by',
  'fields',
  'q',
  'rna',
  'siret',
  'limit',
  'skip',
  'offset',
  'callback',
  'responseFields',
  'userStatus',
  'apiKey',
  'projetId',
];

const headerText = fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, 'x'));
const nasty = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('', ' ', '-1', '0', '1e309', 'null', 'true', '[]', '{}', '%', '\u0000', '../..', 'x'.repeat(5000), '🙂'.repeat(50)),
);
const pathValue = (name: string) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...(pathSamples[name] ?? ['x'])) },
    // `.` and `..` are dot-segments: any HTTP client resolves them away before sending.
    { weight: 2, arbitrary: nasty.filter((s) => s.length > 0 && s !== '.' && s !== '..') },
  );

/** Bodies: JSON of any shape, objects mutating the fields the dialects know, broken JSON, forms. */
const knownFields = [
  'publisherIds',
  'organizationName',
  'label',
  'name',
  'description',
  'favicon',
  'logo',
  'properties',
  'isActive',
  'app',
  'id',
  'attributes',
  'query',
  'user_name',
  'password',
  'auth_type',
];
const fieldValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), nasty, fc.array(nasty, { maxLength: 3 }));
const mutatedObject = fc.dictionary(fc.oneof(fc.constantFrom(...knownFields), fc.string({ maxLength: 10 })), fieldValue, { maxKeys: 5 });
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  mutatedObject.map((o) => JSON.stringify(o)),
  fc.array(mutatedObject, { maxLength: 4 }).map((a) => JSON.stringify(a)),
  mutatedObject.map((o) => `{"attributes":{"organizations":{"attributeValues":${JSON.stringify([o])}}}}`),
  fc.string({ maxLength: 60 }),
  fc.constantFrom('{"label": ', '[{"id": "x"', '{"publisherIds": ["a",]}', '\u0000', '{"a":1,"a":2}', '{"__proto__": {"x": 1}}'),
  mutatedObject.map((o) =>
    new URLSearchParams(Object.entries(o).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString(),
  ),
);

const apidaeQuery = fc.oneof(
  fc
    .record({
      projetId: fc.constant(1234),
      apiKey: fc.constant('demo-apidae-key'),
      filter: mutatedObject,
      responseFields: fc.option(fc.array(nasty, { maxLength: 2 })),
    })
    .map((q) => JSON.stringify(q)),
  fc
    .record({
      projetId: fc.oneof(fc.constant(1234), fieldValue),
      apiKey: fc.oneof(fc.constant('demo-apidae-key'), fieldValue),
      first: fieldValue,
      count: fieldValue,
    })
    .map((q) => JSON.stringify(q)),
  nasty,
  fc.constant('{"projetId":1234,"apiKey":"demo-apidae-key","filter":{"communeCodePostal":"69000″}}'),
);

function authHeaders(route: Route, credentials: Credentials): fc.Arbitrary<Record<string, string>> {
  const valid: Record<string, Record<string, string>> = {
    netux: { 'X-Auth-Token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73', 'X-Bulk-Operation': 'True' },
    engagement: { 'x-api-key': 'demo-engagement-key-0001' },
    responsys: { Authorization: credentials.responsysToken },
    apidae: {},
  };
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant(valid[route.dialect]!) },
    {
      weight: 1,
      arbitrary: fc.dictionary(
        fc.constantFrom('X-Auth-Token', 'x-api-key', 'apikey', 'Authorization', 'X-Bulk-Operation', 'Idempotency-Key', 'content-type'),
        headerText,
        { maxKeys: 3 },
      ),
    },
  );
}

export function requestFor(route: Route, credentials: Credentials): fc.Arbitrary<FuzzRequest> {
  const params = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const pathArb = fc
    .tuple(...params.map(pathValue))
    .map((values) => values.reduce((path, value, i) => path.replace(`{${params[i]}}`, encodeURIComponent(value)), route.path));
  const queryArb = fc.dictionary(fc.oneof(fc.constantFrom(...knownQueryKeys), fc.string({ maxLength: 8 })), nasty, { maxKeys: 4 });
  const apidaeAuth = route.path.includes('get-by-id')
    ? fc.constantFrom<Record<string, string>>({ apiKey: 'demo-apidae-key', projetId: '1234' }, {})
    : fc.constant<Record<string, string>>({});
  return fc
    .record({
      path: pathArb,
      trailingSlash: fc.boolean(),
      query: queryArb,
      apidae: apidaeAuth,
      apidaeQuery: apidaeQuery,
      headers: authHeaders(route, credentials),
      body: fc.option(body, { nil: undefined, freq: 4 }),
    })
    .map((r) => {
      const query = new URLSearchParams({ ...r.query, ...r.apidae });
      if (route.dialect === 'apidae' && route.path.endsWith('get-membres') && route.method === 'GET') query.set('query', r.apidaeQuery);
      const formBody =
        route.dialect === 'apidae' && route.method === 'POST' ? new URLSearchParams({ query: r.apidaeQuery }).toString() : r.body;
      const search = query.toString();
      return {
        method: route.method,
        path: `${r.path}${r.trailingSlash ? '/' : ''}${search ? `?${search}` : ''}`,
        headers: {
          ...(formBody?.includes('=') && !formBody.startsWith('{')
            ? { 'content-type': 'application/x-www-form-urlencoded' }
            : { 'content-type': 'application/json' }),
          ...r.headers,
        },
        ...(route.method === 'GET' || route.method === 'DELETE' ? {} : { body: formBody ?? '' }),
      };
    });
}
