/**
 * The benchmarked endpoints: for each, the HTTP request a client sends, and the same sequence of
 * DynamoDB calls the handler makes (auth and rate limiting included), issued directly through the
 * repositories (thin SDK calls) — the floor the request path is compared with.
 */
import { sha256 } from '#shared/crypto.ts';
import { getAccessList, replaceAccess } from '#shared/db/access-lists.ts';
import { getCredential } from '#shared/db/credentials.ts';
import { getClientMapping, listDiffuseurs, setAllowedPublishers } from '#shared/db/directory.ts';
import { idsByIndexedValue, listingPage } from '#shared/db/organization-listing.ts';
import { findOrganizationIdByIntId, getOrganization, getOrganizations, saveOrganization } from '#shared/db/organizations.ts';
import { countRequest } from '#shared/db/rate-limit.ts';
import { searchPostings } from '#shared/db/search-index.ts';
import type { CredentialKind } from '#shared/domain/credential.ts';
import { login } from '#shared/domain/sessions.ts';

export interface BenchRequest {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export interface Endpoint {
  name: string;
  dialect: string;
  kind: 'read' | 'write';
  request: (context: { responsysToken: string }) => BenchRequest;
  /** The handler's DynamoDB calls, in order, without Middy, zod, HTTP or views. */
  direct: (context: { responsysToken: string }) => Promise<void>;
  /** Minimum round trips and capacity, as docs/data-model.md states them. */
  minimum: { roundTrips: number };
}

const NETUX = 'oaXBo6ODhIjPsusNRPUGIK4d72bc73';
const ENGAGEMENT = 'demo-engagement-key-0001';
const json = { 'content-type': 'application/json' };

async function authenticate(kind: CredentialKind, lookupId: string) {
  const credential = await getCredential(kind, lookupId);
  await countRequest(`${credential!.kind}#${credential!.credentialId}`, 60);
  return credential!;
}

let patchCounter = 0;

/**
 * Login is throttled per user name (10 attempts in 5 minutes, counted before the password check), so
 * the bench logs in as many users in turn: each attempt succeeds and resets its user's count.
 */
export const BENCH_USERS = Array.from({ length: 64 }, (_, i) => ({ userName: `bench-user-${i}`, password: `bench-password-${i}` }));
let nextUser = 0;
const benchUser = () => BENCH_USERS[nextUser++ % BENCH_USERS.length]!;

export const endpoints: Endpoint[] = [
  {
    name: 'Engagement GET myorganization',
    dialect: 'engagement',
    kind: 'read',
    request: () => ({ method: 'GET', path: '/v0/myorganization/mon_organisation_id_1', headers: { 'x-api-key': ENGAGEMENT } }),
    direct: async () => {
      await authenticate('engagement', sha256(ENGAGEMENT));
      await getClientMapping('demo', 'mon_annonceur', 'mon_organisation_id_1');
      await listDiffuseurs('demo', 'mon_annonceur');
    },
    minimum: { roundTrips: 5 },
  },
  {
    name: 'Engagement PUT myorganization',
    dialect: 'engagement',
    kind: 'write',
    request: () => ({
      method: 'PUT',
      path: '/v0/myorganization/mon_organisation_id_1',
      headers: { 'x-api-key': ENGAGEMENT, ...json },
      body: JSON.stringify({ publisherIds: ['partenaire_id_1', 'partenaire_id_3'] }),
    }),
    direct: async () => {
      await authenticate('engagement', sha256(ENGAGEMENT));
      await listDiffuseurs('demo', 'mon_annonceur');
      const mapping = await getClientMapping('demo', 'mon_annonceur', 'mon_organisation_id_1');
      await setAllowedPublishers('demo', { ...mapping!, allowedPublisherIds: ['partenaire_id_1', 'partenaire_id_3'] });
    },
    minimum: { roundTrips: 6 },
  },
  {
    name: 'Netux GET organization',
    dialect: 'netux',
    kind: 'read',
    request: () => ({ method: 'GET', path: '/api/v2.0/organizations/409dba9c67d3bb19f554/', headers: { 'X-Auth-Token': NETUX } }),
    direct: async () => {
      await authenticate('netux', sha256(NETUX));
      await getOrganization('demo', '409dba9c67d3bb19f554');
    },
    minimum: { roundTrips: 3 },
  },
  {
    name: 'Netux PATCH organization',
    dialect: 'netux',
    kind: 'write',
    request: () => ({
      method: 'PATCH',
      path: '/api/v2.0/organizations/4923b1670068c9c54b06/',
      headers: { 'X-Auth-Token': NETUX, ...json },
      body: JSON.stringify({ description: `bench ${patchCounter++}` }),
    }),
    direct: async () => {
      await authenticate('netux', sha256(NETUX));
      const current = (await getOrganization('demo', '4923b1670068c9c54b06'))!;
      await saveOrganization('demo', { ...current, description: `direct ${patchCounter++}`, version: current.version + 1 }, current);
    },
    // Credential, rate window, read, the new trigrams' postings, the transaction, the old postings' removal.
    minimum: { roundTrips: 6 },
  },
  {
    name: 'Apidae get-by-id',
    dialect: 'apidae',
    kind: 'read',
    request: () => ({
      method: 'GET',
      path: '/api/v002/membre/get-by-id/4000007?apiKey=demoApidaeKey1&projetId=1234&responseFields=COMMUNES',
      headers: {},
    }),
    direct: async () => {
      const credential = await authenticate('apidae', '1234');
      void credential.secretHash;
      const id = await findOrganizationIdByIntId('demo', 4000007);
      await getOrganization('demo', id!);
    },
    minimum: { roundTrips: 4 },
  },
  {
    name: 'Apidae get-membres (indexed filter)',
    dialect: 'apidae',
    kind: 'read',
    request: () => ({
      method: 'GET',
      path: `/api/v002/membre/get-membres?query=${encodeURIComponent(JSON.stringify({ projetId: 1234, apiKey: 'demoApidaeKey1', filter: { communeCodePostal: '69000' } }))}`,
      headers: {},
    }),
    direct: async () => {
      await authenticate('apidae', '1234');
      await getOrganizations('demo', await idsByIndexedValue('demo', 'cp', '69000'));
    },
    minimum: { roundTrips: 4 },
  },
  {
    name: 'Apidae get-membres (nom only)',
    dialect: 'apidae',
    kind: 'read',
    request: () => ({
      method: 'GET',
      path: `/api/v002/membre/get-membres?query=${encodeURIComponent(JSON.stringify({ projetId: 1234, apiKey: 'demoApidaeKey1', filter: { nom: 'apac' } }))}`,
      headers: {},
    }),
    direct: async () => {
      await authenticate('apidae', '1234');
      const found = await searchPostings('demo', 'name', 'apac');
      await getOrganizations(
        'demo',
        found!.filter((candidate) => candidate.matches !== false).map((candidate) => candidate.id),
      );
    },
    // Credential, rate window, the postings of the needle's trigrams, the page's organizations.
    minimum: { roundTrips: 4 },
  },
  {
    name: 'Apidae get-membres (no filter)',
    dialect: 'apidae',
    kind: 'read',
    request: () => ({
      method: 'GET',
      path: `/api/v002/membre/get-membres?query=${encodeURIComponent(JSON.stringify({ projetId: 1234, apiKey: 'demoApidaeKey1' }))}`,
      headers: {},
    }),
    direct: async () => {
      await authenticate('apidae', '1234');
      await getOrganizations('demo', await listingPage('demo', 'intId', false, 0, Infinity));
    },
    // Credential, rate window, the listing shards (in parallel), the organizations.
    minimum: { roundTrips: 4 },
  },
  {
    name: 'Responsys login',
    dialect: 'responsys',
    kind: 'write',
    request: () => {
      const { userName, password } = benchUser();
      return {
        method: 'POST',
        path: '/rest/api/v1.3/auth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: `user_name=${userName}&password=${password}&auth_type=password`,
      };
    },
    direct: async () => {
      // The same calls and the same password check, without Middy, zod or HTTP.
      const { userName, password } = benchUser();
      await login(userName, password);
    },
    // Throttle counters (address, then user, beside the user read), then the token beside the counters' reset.
    minimum: { roundTrips: 3 },
  },
  {
    name: 'Responsys GET program access',
    dialect: 'responsys',
    kind: 'read',
    request: ({ responsysToken }) => ({
      method: 'GET',
      path: '/rest/api/v1.3/attributes/programs/Welcome',
      headers: { Authorization: responsysToken },
    }),
    direct: async ({ responsysToken }) => {
      await authenticate('responsys-token', sha256(responsysToken));
      const list = await getAccessList('demo', 'program', 'Welcome');
      await getOrganizations('demo', list!.organizationIds);
    },
    // Token, rate window, program, its organizations (+ one batched read per level of ancestors not among them).
    minimum: { roundTrips: 4 },
  },
  {
    name: 'Responsys POST program access',
    dialect: 'responsys',
    kind: 'write',
    request: ({ responsysToken }) => ({
      method: 'POST',
      path: '/rest/api/v1.3/attributes/programs/Welcome',
      headers: { Authorization: responsysToken, ...json },
      body: JSON.stringify({ attributes: { organizations: { attributeValues: [{ name: 'USA' }, { name: 'APAC' }, { name: 'Global' }] } } }),
    }),
    direct: async ({ responsysToken }) => {
      await authenticate('responsys-token', sha256(responsysToken));
      const [list, ...named] = await Promise.all([
        getAccessList('demo', 'program', 'Welcome'),
        ...['USA', 'APAC', 'Global'].map((name) => idsByIndexedValue('demo', 'name', name)),
      ]);
      const ids = named.map((found) => (found as string[])[0]!);
      await getOrganizations('demo', ids);
      await replaceAccess('demo', list as NonNullable<typeof list>, ids);
    },
    // Token, rate window, program ‖ name index, the named organizations, the update.
    minimum: { roundTrips: 5 },
  },
];
