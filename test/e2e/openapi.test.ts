/**
 * The OpenAPI documents against the running API: they are up to date with the code, cover the route
 * table exactly, and every operation's documented example, sent to a server on the demo seed, gets a
 * documented success status with a body that matches the documented schema.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';

import { type Route, routes } from '#functions/routes.ts';
import { call, responsysLogin, startSeededServer, type TestServer } from '#test/support/server.ts';
import { allDocuments, contractOf, type DialectDoc, dialectDoc, dialectNames } from '#tools/openapi/document.ts';

let server: TestServer;
let responsysToken = '';
const taskIds: string[] = [];

beforeAll(async () => {
  server = await startSeededServer();
  responsysToken = await responsysLogin(server.url);
});
afterAll(() => server.close());

describe('generated documents', () => {
  it('docs/openapi/*.json are what `npm run openapi` generates now', async () => {
    const documents = await allDocuments();
    for (const name of dialectNames) {
      const committed = JSON.parse(await readFile(resolve(import.meta.dirname, `../../docs/openapi/${name}.json`), 'utf8'));
      expect(committed, `docs/openapi/${name}.json is stale: run npm run openapi`).toEqual(documents[name]);
    }
  });

  it('the local server serves the same documents and the docs page', async () => {
    const documents = await allDocuments();
    for (const name of dialectNames) {
      const served = await call(`${server.url}/openapi/${name}.json`);
      expect(served.status).toBe(200);
      expect(served.body).toEqual(documents[name]);
    }
    const page = await call(`${server.url}/docs`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('swagger-ui-bundle.js');
    expect((await call(`${server.url}/openapi/nope.json`)).status).toBe(403); // not ours: the gateway's answer
  });

  it('every route of the route table is documented once, under its own path and method', async () => {
    const documents = await allDocuments();
    const operations = dialectNames.flatMap((name) =>
      Object.entries(documents[name].paths as Record<string, Record<string, { operationId: string }>>).flatMap(([path, methods]) =>
        Object.entries(methods).map(([method, operation]) => `${operation.operationId} ${method.toUpperCase()} ${path}`),
      ),
    );
    expect(operations.sort()).toEqual(routes.map((route) => `${route.name} ${route.method} ${route.path}`).sort());
  });

  it('error examples are the dialects’ own formats (Apidae plain text, the others JSON)', async () => {
    const documents = await allDocuments();
    const examples = (dialect: keyof typeof documents, path: string, status: string, mediaType: string) =>
      (
        documents[dialect].paths as Record<
          string,
          { get: { responses: Record<string, { content: Record<string, { examples: Record<string, { value: unknown }> }> }> } }
        >
      )[path]!.get.responses[status]!.content[mediaType]!.examples;
    expect(examples('netux', '/api/v2.0/organizations/{key}', '404', 'application/json').not_found!.value).toEqual({
      code: 404001,
      message: 'Not found.',
      detail: 'Not found.',
    });
    expect(examples('apidae', '/api/v002/membre/get-by-id/{id}', '403', 'text/plain').unauthenticated!.value).toBe('Accès interdit');
  });
});

/** The credential each dialect's examples are sent with (the demo seed's). */
function credentials(route: Route): { headers: Record<string, string>; query: Record<string, string> } {
  switch (route.dialect) {
    case 'engagement':
      return { headers: { 'x-api-key': 'demo-engagement-key-0001' }, query: {} };
    case 'netux':
      return { headers: { 'x-auth-token': 'oaXBo6ODhIjPsusNRPUGIK4d72bc73' }, query: {} };
    case 'apidae':
      // Inside the query JSON for get-membres, in the query string for every other service.
      return { headers: {}, query: route.path.includes('get-membres') ? {} : { apiKey: 'demoApidaeKey1', projetId: '1234' } };
    case 'responsys':
      return { headers: route.name === 'ResponsysLogin' ? {} : { authorization: responsysToken }, query: {} };
  }
}

const docs = new Map<string, DialectDoc>();
const schemaOf = (doc: DialectDoc, schema: string | z.ZodMiniType) => (typeof schema === 'string' ? doc.schemas[schema]! : schema);

// In route-table order: bulk submissions come before the task read that follows one of them.
describe.each(routes.map((route) => [route.name, route] as const))('%s example', (_name, route) => {
  it('succeeds as documented', async () => {
    if (!docs.has(route.dialect)) docs.set(route.dialect, await dialectDoc(route.dialect));
    const doc = docs.get(route.dialect)!;
    const operation = doc.operations[route.name]!;
    const example = operation.example ?? {};
    const contract = await contractOf(route);
    const auth = credentials(route);

    const params: Record<string, string> = {
      ...example.params,
      ...(['NetuxGetTask', 'NetuxGetTaskResults'].includes(route.name) ? { taskId: taskIds[0]! } : {}),
    };
    const path = route.path.replace(/\{(\w+)\}/g, (_match, name: string) => encodeURIComponent(params[name]!));
    const query = new URLSearchParams({ ...example.query, ...auth.query }).toString();
    const form = (operation.bodyFormat ?? contract.bodyFormat) === 'form';
    const body =
      example.body === undefined
        ? undefined
        : form
          ? new URLSearchParams(example.body as Record<string, string>).toString()
          : JSON.stringify(example.body);
    const reply = await call(`${server.url}${path}${query ? `?${query}` : ''}`, {
      method: route.method,
      headers: {
        ...auth.headers,
        ...example.headers,
        ...(body ? { 'content-type': form ? 'application/x-www-form-urlencoded' : 'application/json' } : {}),
      },
      body,
    });

    const documented = operation.responses[reply.status];
    expect(documented, `${route.method} ${path} answered an undocumented ${reply.status}: ${reply.text.slice(0, 300)}`).toBeDefined();
    if (documented!.schema) {
      const result = schemaOf(doc, documented!.schema).safeParse(reply.body);
      expect(result.success, `${route.name}: ${JSON.stringify(result.error?.issues)}`).toBe(true);
    } else {
      expect(reply.text).toBe('');
    }
    if (reply.status === 202) taskIds.push(reply.body.task.id);
  });
});
