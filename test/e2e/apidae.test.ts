/** Apidae /api/v002 over HTTP: every bullet of contracts.md §3. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { setMemberData } from '#shared/domain/organization-writes.ts';
import { getOrganization } from '#shared/domain/organizations.ts';
import { loadSeed } from '#shared/seed/load.ts';
import { parseSeedFile } from '#shared/seed/schema.ts';
import { call, startSeededServer, type TestServer } from '#test/support/server.ts';

const FULL = { projetId: 1234, apiKey: 'demoApidaeKey1' };
const LIMITED = { projetId: 5678, apiKey: 'demoApidaeLimited' };
let server: TestServer;

const search = (query: unknown, extra: Record<string, string> = {}, path = '/get-membres') => {
  const params = new URLSearchParams({ query: typeof query === 'string' ? query : JSON.stringify(query), ...extra });
  return call(`${server.url}/api/v002/membre${path}?${params}`);
};
const post = (query: unknown, path = '/get-membres') =>
  call(`${server.url}/api/v002/membre${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ query: typeof query === 'string' ? query : JSON.stringify(query) }).toString(),
  });
const ids = (reply: { body: { id: number }[] }) => reply.body.map((m) => m.id);
const byId = (id: string, params: Record<string, string> = { apiKey: FULL.apiKey, projetId: String(FULL.projetId) }) =>
  call(`${server.url}/api/v002/membre/get-by-id/${id}?${new URLSearchParams(params)}`);

beforeAll(async () => {
  server = await startSeededServer();
});
afterAll(() => server.close());

describe('get-membres transport', () => {
  it('answers GET ?query= and POST form query=, with and without the trailing slash', async () => {
    const query = { ...FULL, filter: { idParrain: 7 } };
    for (const reply of [
      await search(query),
      await search(query, {}, '/get-membres/'),
      await post(query),
      await post(query, '/get-membres/'),
    ]) {
      expect(reply.status).toBe(200);
      expect(reply.headers.get('content-type')).toContain('application/json');
      expect(ids(reply)).toEqual([4000007]);
    }
  });

  it('answers JSONP when callback is given, and 400 for a callback that is not an identifier path', async () => {
    const reply = await search({ ...FULL, filter: { idParrain: 7 } }, { callback: 'jQuery123.cb' });
    expect(reply.headers.get('content-type')).toContain('application/javascript');
    expect(reply.text).toMatch(/^jQuery123\.cb\(\[\{"id":4000007,/);
    expect(reply.text.endsWith('])')).toBe(true);
    for (const callback of ['alert(1)', 'a b', '1abc', 'x;y']) {
      const bad = await search(FULL, { callback });
      expect(bad.status).toBe(400);
      expect(bad.headers.get('content-type')).toContain('text/plain');
      expect(bad.text).toContain('callback');
    }
  });

  it("accepts the seed document's example query (straight quotes) and answers a JSON array", async () => {
    const example =
      '{"projetId":1234,"apiKey":"demoApidaeKey1","responseFields":["UTILISATEURS","OBJETS_GERES","PROJETS","RELATIONS","TRADUCTIONS","COMMUNES"],"filter":{"nom":"nom","idParrain":12,"communeCodePostal":"69000","communeCode":"69001","types":["type1","type2"],"idProjet":1234,"typeProjet":"type","statutProjet":"DEVELOPPEMENT","idSecteur":123,"nomSecteur":"secteur"}}';
    const reply = await search(example);
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual([]);
  });

  it('answers 400 plain text naming the problem for typographic quotes, invalid JSON, wrong types, unknown response fields', async () => {
    const typographic = await search('{"projetId":1234,"apiKey":"demoApidaeKey1","filter":{"communeCodePostal":"69000″}}');
    expect(typographic.status).toBe(400);
    expect(typographic.text).toContain('guillemets typographiques');
    expect((await search('{not json')).text).toContain("n'est pas du JSON valide");
    const wrongType = await search({ ...FULL, filter: { idParrain: '12' } });
    expect(wrongType.status).toBe(400);
    expect(wrongType.text).toContain('query.filter.idParrain');
    const unknownField = await search({ ...FULL, responseFields: ['SECRETS'] });
    expect(unknownField.status).toBe(400);
    expect(unknownField.text).toContain('query.responseFields.0');
    expect((await call(`${server.url}/api/v002/membre/get-membres`)).status).toBe(400);
  });
});

describe('authentication', () => {
  it('answers 403 plain text Accès interdit when missing, wrong or mismatched', async () => {
    for (const query of [
      {},
      { projetId: 1234 },
      { projetId: 1234, apiKey: 'wrong' },
      { projetId: 5678, apiKey: 'demoApidaeKey1' },
      { projetId: 'x', apiKey: 'demoApidaeKey1' },
    ]) {
      const reply = await search(query);
      expect(reply.status, JSON.stringify(query)).toBe(403);
      expect(reply.text).toBe('Accès interdit');
      expect(reply.headers.get('content-type')).toContain('text/plain');
    }
  });
});

describe('filters (ANDed)', () => {
  const cases: [string, Record<string, unknown>, number[]][] = [
    ['nom: case- and accent-insensitive substring', { nom: 'TOURISME D’ANNECY'.replace('’', "'") }, [30005]],
    ['nom without accents', { nom: 'office de tourisme' }, [30005]],
    ['idParrain', { idParrain: 30001 }, [30002, 30005]],
    ['communeCodePostal', { communeCodePostal: '69000' }, [30005, 4000007]],
    ['communeCode', { communeCode: '74010' }, [30005]],
    ['types (any of)', { types: ['Prestataire Technique', 'Contributeur Généraliste'] }, [7, 30005]],
    ['idProjet', { idProjet: 777 }, [30005]],
    ['typeProjet', { typeProjet: 'Site internet' }, [7]],
    ['statutProjet', { statutProjet: 'DEVELOPPEMENT' }, [4000007]],
    ['idSecteur', { idSecteur: 12 }, [30005]],
    ['nomSecteur (case-insensitive)', { nomSecteur: 'CULTURE' }, [4000007]],
    ['AND of two filters', { communeCodePostal: '69000', idSecteur: 11 }, [4000007]],
    ['AND with no match', { idProjet: 777, typeProjet: 'Site internet' }, []],
  ];
  for (const [name, filter, expected] of cases) {
    it(name, async () => {
      expect(ids(await search({ ...FULL, filter }))).toEqual(expected);
    });
  }

  it('every organization is a member; one without member data has type and secteur null', async () => {
    const all = (await search(FULL)).body as { id: number; type: unknown; secteur: unknown }[];
    expect(all.length).toBeGreaterThanOrEqual(12);
    expect(all.find((m) => m.id === 12000007)).toMatchObject({ type: null, secteur: null });
    expect(all.some((m) => m.id === 1)).toBe(false); // the other tenant's member
  });
});

describe('response blocks and permissions', () => {
  it('returns the base member keys, plus each requested block', async () => {
    const [member] = (
      await search({
        ...FULL,
        responseFields: ['UTILISATEURS', 'OBJETS_GERES', 'PROJETS', 'RELATIONS', 'TRADUCTIONS', 'COMMUNES', 'TAGS'],
        filter: { idProjet: 777 },
      })
    ).body;
    expect(member).toEqual({
      id: 30005,
      nom: "Office de Tourisme d'Annecy",
      type: { id: 3, nom: 'Prestataire Technique' },
      secteur: { id: 12, nom: 'Hébergement', description: 'Hôtels' },
      urlLogo: null,
      niveauDiffusion: null,
      devise: null,
      descriptifCommercial: null,
      utilisateurs: [{ id: 501, prenom: 'Lou', nom: 'Active', eMail: 'lou@example.org' }],
      objetsGeres: [{ id: 1, type: 'HOTELLERIE' }],
      projets: [{ id: 777, nom: 'Borne', type: "Borne d'information", statut: 'DEMONSTRATION' }],
      relations: [{ type: 'PARTENAIRE', id: 7 }],
      traductions: [{ langue: 'en' }],
      communes: [
        { code: '74010', codePostal: '74000', nom: 'Annecy' },
        { code: '69123', codePostal: '69000', nom: 'Lyon' },
      ],
      tags: ['lac'],
    });
    expect(Object.keys((await search({ ...FULL, filter: { idProjet: 777 } })).body[0])).toEqual([
      'id',
      'nom',
      'type',
      'secteur',
      'urlLogo',
      'niveauDiffusion',
      'devise',
      'descriptifCommercial',
    ]);
  });

  it('lists only the member’s own users, filtered by userStatus', async () => {
    const users = async (userStatus?: string) =>
      (
        await search({ ...FULL, responseFields: ['UTILISATEURS'], filter: { idProjet: 777, ...(userStatus ? { userStatus } : {}) } })
      ).body[0].utilisateurs.map((u: { id: number }) => u.id);
    expect(await users()).toEqual([501]);
    expect(await users('ACTIFS')).toEqual([501]);
    expect(await users('INACTIFS')).toEqual([502]);
    expect(await users('TOUS')).toEqual([501, 502]);
  });

  it('a limited-read project sees exactly the eight base fields, whatever it asks', async () => {
    const reply = await search({ ...LIMITED, responseFields: ['UTILISATEURS', 'COMMUNES'], filter: { idProjet: 777 } });
    expect(Object.keys(reply.body[0]).sort()).toEqual([
      'descriptifCommercial',
      'devise',
      'id',
      'niveauDiffusion',
      'nom',
      'secteur',
      'type',
      'urlLogo',
    ]);
    const byIdLimited = await byId('30005', { apiKey: LIMITED.apiKey, projetId: String(LIMITED.projetId), responseFields: 'UTILISATEURS' });
    expect(byIdLimited.body[0]).not.toHaveProperty('utilisateurs');
  });
});

describe('paging and the 5 MB rule', () => {
  it('pages with first and count (extension)', async () => {
    const all = ids(await search(FULL));
    expect(ids(await search({ ...FULL, first: 2, count: 3 }))).toEqual(all.slice(2, 5));
    expect(ids(await search({ ...FULL, first: 1000, count: 3 }))).toEqual([]);
    expect((await search({ ...FULL, first: -1 })).status).toBe(400);
  });

  it('answers 400 asking for first/count instead of cutting an answer over 5 MB', async () => {
    const big = 'x'.repeat(100_000);
    await loadSeed(
      parseSeedFile({
        tenants: [
          {
            id: 'big',
            name: 'Big answers',
            credentials: { apidae: [{ projetId: 424242, apiKey: 'bigAnswersKey', access: 'full' }] },
            organizations: Array.from({ length: 60 }, (_, i) => ({
              id: `b${String(i).padStart(19, '0')}`,
              intId: i + 1,
              label: `big-${i}`,
              name: `Big ${i}`,
              member: { descriptifCommercial: big },
            })),
          },
        ],
      }),
    );
    const credentials = { projetId: 424242, apiKey: 'bigAnswersKey' };
    const whole = await search(credentials);
    expect(whole.status).toBe(400);
    expect(whole.text).toContain('first');
    expect(whole.text).toContain('count');
    const page = await search({ ...credentials, first: 0, count: 20 });
    expect(page.status).toBe(200);
    expect(page.body).toHaveLength(20);
    expect((await search({ ...credentials, first: 20, count: 40 })).body).toHaveLength(40);
  });
});

describe('GET get-by-id/{id}', () => {
  it('answers a one-element array, with responseFields and userStatus in the query string', async () => {
    const reply = await byId('30005', {
      apiKey: FULL.apiKey,
      projetId: String(FULL.projetId),
      responseFields: '["UTILISATEURS","TAGS"]',
      userStatus: 'TOUS',
    });
    expect(reply.status).toBe(200);
    expect(reply.body).toHaveLength(1);
    expect(reply.body[0]).toMatchObject({ id: 30005, tags: ['lac'] });
    expect(reply.body[0].utilisateurs).toHaveLength(2);
    expect(
      (await byId('30005', { apiKey: FULL.apiKey, projetId: String(FULL.projetId), responseFields: 'COMMUNES,PROJETS' })).body[0].projets,
    ).toHaveLength(1);
  });

  it("answers 404 plain text for an unknown id, another tenant's id, or a non-numeric id", async () => {
    for (const id of ['999999', '1', 'abc']) {
      const reply = await byId(id);
      expect(reply.status, id).toBe(404);
      expect(reply.headers.get('content-type')).toContain('text/plain');
    }
  });

  it('answers 403 without valid credentials and 400 for an unknown response field', async () => {
    expect((await byId('7', { apiKey: 'nope', projetId: '1234' })).text).toBe('Accès interdit');
    expect((await byId('7', { apiKey: FULL.apiKey, projetId: '1234', responseFields: 'NOPE' })).status).toBe(400);
  });
});

describe('utilisateur services (what the PHP client pierre-granger/apidae-membres sends)', () => {
  /** apidaeCurlMU: GET /api/v002/<service>/<page>?projetId=…&apiKey=… (http_build_query), the page unencoded. */
  const service = (path: string, params: Record<string, string> = {}, credentials = FULL) =>
    call(
      `${server.url}/api/v002/utilisateur/${path}?${new URLSearchParams({ projetId: String(credentials.projetId), apiKey: credentials.apiKey, ...params })}`,
    );
  const ada = {
    id: 101,
    firstName: 'Ada',
    lastName: 'Lovelace',
    contact: { eMail: 'ada@example.org' },
    membre: { id: 7, nom: 'USA', type: { id: 1, nom: 'Contributeur Généraliste' } },
    permissions: ['ADMIN_DEPARTEMENTAL'],
  };

  it('get-by-id answers the user as an object, with the permissions the client checks (droits)', async () => {
    const reply = await service('get-by-id/101');
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('application/json');
    expect(reply.body).toEqual(ada);
    expect((await service('get-by-id/101/')).body).toEqual(ada);
    expect((await service('get-by-id/201')).body).toMatchObject({ id: 201, firstName: 'Grace', membre: { id: 4000007 }, permissions: [] });
  });

  it('get-by-mail finds the user by address, raw in the path as the client sends it, or encoded, in any case', async () => {
    for (const path of ['get-by-mail/ada@example.org', 'get-by-mail/ada%40example.org', 'get-by-mail/ADA@Example.ORG']) {
      const reply = await service(path);
      expect(reply.status, path).toBe(200);
      expect(reply.body, path).toEqual(ada);
    }
  });

  it("get-by-membre lists the member's users (active ones unless userStatus says otherwise)", async () => {
    expect((await service('get-by-membre/7')).body).toEqual([ada]);
    const names = async (status: string) =>
      (await service('get-by-membre/7', { userStatus: status })).body.map((u: { id: number }) => u.id);
    expect(await names('TOUS')).toEqual([101, 102]);
    expect(await names('INACTIFS')).toEqual([102]);
    expect((await service('get-by-membre/20001')).body).toEqual([]);
    // userStatus counts for the lookups too: an inactive user is found when asked for.
    expect((await service('get-by-id/102')).status).toBe(404);
    expect((await service('get-by-id/102', { userStatus: 'TOUS' })).body).toMatchObject({ id: 102, firstName: 'Charles' });
  });

  it("answers 404 plain text for an unknown user, address or member, another tenant's among them", async () => {
    const other = { projetId: 7777, apiKey: 'otherTenantApidae1' };
    for (const [path, credentials] of [
      ['get-by-id/999999', FULL],
      ['get-by-id/abc', FULL],
      ['get-by-mail/nobody@example.org', FULL],
      [`get-by-mail/${'x'.repeat(250)}@example.org`, FULL],
      ['get-by-membre/999999', FULL],
      ['get-by-membre/x', FULL],
      ['get-by-id/101', other],
      ['get-by-mail/ada@example.org', other],
      ['get-by-membre/7', other],
    ] as const) {
      const reply = await service(path, {}, credentials);
      expect(reply.status, path).toBe(404);
      expect(reply.headers.get('content-type'), path).toContain('text/plain');
    }
    expect((await service('get-by-id/999999')).text).toBe('Utilisateur 999999 introuvable.');
  });

  it('answers 403 Accès interdit for bad credentials and for a project with limited read (people are not base fields)', async () => {
    for (const credentials of [{ ...FULL, apiKey: 'wrongKey1' }, LIMITED]) {
      for (const path of ['get-by-id/101', 'get-by-mail/ada@example.org', 'get-by-membre/7']) {
        const reply = await service(path, {}, credentials);
        expect(reply.status, path).toBe(403);
        expect(reply.text).toBe('Accès interdit');
      }
    }
    expect((await call(`${server.url}/api/v002/utilisateur/get-by-id/101`)).status).toBe(403);
    expect((await service('get-by-id/101', { userStatus: 'NOPE' })).status).toBe(400);
  });

  it('answers JSONP when a callback is given, like the member services', async () => {
    const reply = await service('get-by-membre/7', { callback: 'cb' });
    expect(reply.headers.get('content-type')).toContain('application/javascript');
    expect(reply.text).toBe(`cb(${JSON.stringify([ada])})`);
  });

  it('finds a user under a changed address on the next request (the index is written with the member)', async () => {
    await setMemberData(
      'demo',
      { label: 'apac' },
      {
        ...(await getOrganization('demo', { label: 'apac' })).member,
        users: [{ id: 201, prenom: 'Grace', nom: 'Hopper', eMail: 'grace.hopper@example.org', active: true }],
      },
    );
    expect((await service('get-by-mail/grace.hopper@example.org')).body).toMatchObject({ id: 201 });
    expect((await service('get-by-mail/grace@example.org')).status).toBe(404);
  });
});

describe('consistency with the other dialects', () => {
  it('finds a member renamed through Netux under its new name, and one moved to another commune there', async () => {
    const renamed = await call(`${server.url}/api/v2.0/organizations/~apac/`, {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', 'X-Auth-Token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73' },
      body: JSON.stringify({ name: 'Asie-Pacifique' }),
    });
    expect(renamed.status).toBe(200);
    expect(ids(await search({ ...FULL, filter: { nom: 'asie' } }))).toEqual([4000007]);
    expect(ids(await search({ ...FULL, filter: { nom: 'apac' } }))).toEqual([]);
  });
});

describe('rate limit', () => {
  it('answers 429 plain text with Retry-After beyond the limit', async () => {
    const query = { projetId: 9001, apiKey: 'testApidaeRateLimit' };
    const replies = await Promise.all([1, 2, 3].map(() => search(query)));
    expect(replies.map((r) => r.status).sort()).toEqual([200, 200, 429]);
    const limited = replies.find((r) => r.status === 429)!;
    expect(limited.headers.get('content-type')).toContain('text/plain');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});
