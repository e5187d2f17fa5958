/**
 * fast-check generators of whole requests for any route of the route table: path parameters, query
 * strings, headers and bodies — valid samples, wrong types, huge values, full Unicode (lone surrogates
 * included), invalid percent-encodings and UTF-8, broken JSON, missing and duplicated fields. A new
 * route is fuzzed without new test code: only a sample of its path parameters may help the generator
 * reach deeper.
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
/**
 * One UTF-16 unit of "full Unicode": any code point, or a lone surrogate (fast-check's `binary` unit
 * leaves those out). JSON.stringify writes a lone surrogate as a `\uD800` escape, so it reaches the
 * server inside JSON bodies and the Apidae query; in paths it is sent as the bytes of an invalid UTF-8
 * sequence (see percentEncode).
 */
const fullUnicodeUnit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)) },
);
const fullUnicode = fc.string({ unit: fullUnicodeUnit, maxLength: 20 });
/** Percent-encodings no decoder accepts: truncated, non-hex, overlong, surrogates, bytes beyond U+10FFFF. */
const invalidPercent = fc.constantFrom(
  '%',
  '%z',
  '%zz',
  '%E',
  '%C3',
  '%C3%28',
  '%ED%A0%80',
  '%ED%BF%BF',
  '%F0%9F',
  '%FF',
  '%C0%AF',
  '%F4%90%80%80',
);
/** encodeURIComponent, except that a lone surrogate becomes its (invalid) three UTF-8 bytes instead of a URIError. */
const percentEncode = (value: string) =>
  value.replace(/[\s\S]/gu, (unit) => {
    if (unit.isWellFormed()) return encodeURIComponent(unit);
    const code = unit.charCodeAt(0);
    return [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)].map((b) => `%${b.toString(16).toUpperCase()}`).join('');
  });
const nasty = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fullUnicode,
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom('', ' ', '-1', '0', '1e309', 'null', 'true', '[]', '{}', '%', '\u0000', '../..', 'x'.repeat(5000), '🙂'.repeat(50)),
);
/** A path parameter, already percent-encoded as it goes on the wire. */
const pathValue = (name: string) => {
  const sample = fc.constantFrom(...(pathSamples[name] ?? ['x']));
  return fc.oneof(
    { weight: 3, arbitrary: sample.map(encodeURIComponent) },
    // `.` and `..` are dot-segments: any HTTP client resolves them away before sending.
    { weight: 2, arbitrary: nasty.filter((s) => s.length > 0 && s !== '.' && s !== '..').map(percentEncode) },
    // A known value spoiled by bytes that do not decode: the whole segment must be refused, not a 502.
    {
      weight: 1,
      arbitrary: fc
        .tuple(sample, invalidPercent, fc.boolean())
        .map(([v, bad, end]) => (end ? `${encodeURIComponent(v)}${bad}` : `${bad}${v}`)),
    },
  );
};

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
/** JSON of any shape whose strings and keys are full Unicode. */
const unicodeJson = (maxDepth: number) => fc.jsonValue({ maxDepth, stringUnit: fullUnicodeUnit });
const fieldValue = fc.oneof(fc.jsonValue({ maxDepth: 2 }), unicodeJson(2), nasty, fc.array(nasty, { maxLength: 3 }));
const mutatedObject = fc.dictionary(fc.oneof(fc.constantFrom(...knownFields), fc.string({ maxLength: 10 }), fullUnicode), fieldValue, {
  maxKeys: 5,
});
/**
 * An organization that validates except, maybe, for its text: it gets past zod to the domain and
 * DynamoDB, where ill-formed text used to fail (a lone surrogate as a `properties` key: a 500).
 */
const organizationLike = fc.record(
  {
    id: fc.constantFrom(...pathSamples.key!),
    label: fc.oneof(fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/), fullUnicode),
    name: fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), fullUnicode),
    description: fullUnicode,
    properties: fc.dictionary(fc.oneof(fullUnicode, fc.string({ maxLength: 10 })), unicodeJson(1), { minKeys: 1, maxKeys: 3 }),
    isActive: fc.boolean(),
  },
  { requiredKeys: [] },
);
const body = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  unicodeJson(3).map((v) => JSON.stringify(v)),
  mutatedObject.map((o) => JSON.stringify(o)),
  fc.array(mutatedObject, { maxLength: 4 }).map((a) => JSON.stringify(a)),
  { weight: 3, arbitrary: organizationLike.map((o) => JSON.stringify(o)) },
  { weight: 3, arbitrary: fc.array(organizationLike, { minLength: 1, maxLength: 3 }).map((a) => JSON.stringify(a)) },
  fc
    .record({
      publisherIds: fc.array(fc.oneof(fc.constant('partenaire_id_1'), fullUnicode), { maxLength: 3 }),
      organizationName: fullUnicode,
    })
    .map((o) => JSON.stringify(o)),
  fc.array(fc.oneof(fc.constantFrom(...pathSamples.key!), fullUnicode), { minLength: 1, maxLength: 3 }).map((a) => JSON.stringify(a)),
  mutatedObject.map((o) => `{"attributes":{"organizations":{"attributeValues":${JSON.stringify([o])}}}}`),
  fc.string({ maxLength: 60 }),
  fc.constantFrom('{"label": ', '[{"id": "x"', '{"publisherIds": ["a",]}', '\u0000', '{"a":1,"a":2}', '{"__proto__": {"x": 1}}'),
  mutatedObject.map((o) =>
    new URLSearchParams(Object.entries(o).map(([k, v]): [string, string] => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString(),
  ),
);

/**
 * Apidae filters that validate except, maybe, for their text: each indexed text filter alone (it then
 * drives the read, and its value becomes key material) or several filters together.
 */
const apidaeText = fc.oneof(fc.constantFrom('69001', '69123', 'Office de tourisme'), fullUnicode);
const apidaeFilter = fc.oneof(
  fc.record({ communeCodePostal: apidaeText }),
  fc.record({ communeCode: apidaeText }),
  fc.record({ types: fc.array(apidaeText, { minLength: 1, maxLength: 2 }) }),
  fc.record(
    { nom: apidaeText, idParrain: fc.integer(), communeCodePostal: apidaeText, typeProjet: apidaeText, nomSecteur: apidaeText },
    { requiredKeys: [] },
  ),
);

const apidaeQuery = fc.oneof(
  fc
    .record({
      projetId: fc.constant(1234),
      apiKey: fc.constant('demoApidaeKey1'),
      filter: fc.oneof({ weight: 3, arbitrary: apidaeFilter }, { weight: 1, arbitrary: mutatedObject }),
      responseFields: fc.option(fc.oneof(fc.subarray(['UTILISATEURS', 'COMMUNES']), fc.array(nasty, { maxLength: 2 })), { nil: undefined }),
    })
    .map((q) => JSON.stringify(q)),
  fc
    .record({
      projetId: fc.oneof(fc.constant(1234), fieldValue),
      apiKey: fc.oneof(fc.constant('demoApidaeKey1'), fieldValue),
      first: fieldValue,
      count: fieldValue,
    })
    .map((q) => JSON.stringify(q)),
  nasty,
  fc.constant('{"projetId":1234,"apiKey":"demoApidaeKey1","filter":{"communeCodePostal":"69000″}}'),
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
    .map((values) => values.reduce((path, value, i) => path.replace(`{${params[i]}}`, value), route.path));
  const queryArb = fc.dictionary(fc.oneof(fc.constantFrom(...knownQueryKeys), fc.string({ maxLength: 8 }), fullUnicode), nasty, {
    maxKeys: 4,
  });
  // Raw (not re-encoded) query bytes: invalid percent-encodings as a key or a value.
  const rawQueryArb = fc.option(
    fc.tuple(fc.constantFrom(...knownQueryKeys), invalidPercent).map(([key, bad]) => `${key}=${bad}`),
    { nil: undefined },
  );
  const apidaeAuth = route.path.includes('get-by-id')
    ? fc.constantFrom<Record<string, string>>({ apiKey: 'demoApidaeKey1', projetId: '1234' }, {})
    : fc.constant<Record<string, string>>({});
  return fc
    .record({
      path: pathArb,
      trailingSlash: fc.boolean(),
      query: queryArb,
      apidae: apidaeAuth,
      apidaeQuery: apidaeQuery,
      rawQuery: rawQueryArb,
      headers: authHeaders(route, credentials),
      body: fc.option(body, { nil: undefined, freq: 4 }),
    })
    .map((r) => {
      // Keys and values may hold lone surrogates: URLSearchParams would turn them into U+FFFD, so encode by hand.
      const query = new Map(Object.entries({ ...r.query, ...r.apidae }));
      if (route.dialect === 'apidae' && route.path.endsWith('get-membres') && route.method === 'GET') query.set('query', r.apidaeQuery);
      const formBody = route.dialect === 'apidae' && route.method === 'POST' ? `query=${percentEncode(r.apidaeQuery)}` : r.body;
      const search = [...[...query].map(([k, v]) => `${percentEncode(k)}=${percentEncode(v)}`), ...(r.rawQuery ? [r.rawQuery] : [])].join(
        '&',
      );
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
