/**
 * OpenAPI 3.1 documents, one per dialect, generated from the route table, the zod schemas each
 * handler validates with (its `contract`), and the dialect's description in tools/openapi/dialects/.
 * Error bodies are produced by the dialect's own error formatter, so they are exactly what it answers.
 * Used by `npm run openapi` (docs/openapi/<dialect>.json) and served live by the local server.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

import * as z from 'zod/mini';

import { type DialectName, repoRoot, type Route, routes } from '#functions/routes.ts';
import { AppError, type ErrorKind, validationError } from '#shared/errors.ts';
import type { BodyFormat, Dialect, EndpointContract } from '#shared/http/handler.ts';
import type { HttpEvent } from '#shared/http/types.ts';

type JsonObject = Record<string, unknown>;

export interface ResponseDoc {
  description: string;
  /** A schema of `DialectDoc.schemas` by name, or an inline zod schema. */
  schema?: string | z.ZodMiniType;
  example?: unknown;
  /** Further media types of the same body (Apidae's JSONP). */
  alternatives?: Record<string, { schema: JsonObject; example?: string }>;
  headers?: Record<string, { description: string; schema: JsonObject }>;
}

export interface RequestExample {
  /** Path parameters, query parameters and body of a request that succeeds against the demo seed (`npm start`). */
  params?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  /** Headers beyond the credential (Netux's X-Bulk-Operation). */
  headers?: Record<string, string>;
}

export interface OperationDoc {
  summary: string;
  description?: string;
  example?: RequestExample;
  /** What the handler validates itself rather than through its contract (bulk items, forms). */
  body?: z.ZodMiniType;
  /** The body's media type when the contract does not say (a form the handler reads itself). */
  bodyFormat?: BodyFormat;
  /** Parameters the contract does not carry (credentials in the query string, JSON-encoded parameters). */
  parameters?: JsonObject[];
  responses: Record<number, ResponseDoc>;
  /** Error kinds beyond those every route of the dialect can answer. */
  errors?: ErrorKind[];
  /** Security requirement override (`[]`: anonymous or credentials inside the request). */
  security?: JsonObject[];
}

export interface DialectDoc {
  dialect: Dialect;
  title: string;
  description: string;
  /** Operation groups in the docs page; `tagOf` files each route under one. */
  tags: { name: string; description: string }[];
  tagOf(route: Route): string;
  securitySchemes: Record<string, JsonObject>;
  security: JsonObject[];
  schemas: Record<string, z.ZodMiniType>;
  /** Error media type and schema (its examples come from the formatter). */
  error: { mediaType: string; schema: z.ZodMiniType };
  operations: Record<string, OperationDoc>;
}

/** JSON Schema 2020-12 (OpenAPI 3.1's dialect) of what a client sends or receives. */
export function jsonSchema(schema: z.ZodMiniType, io: 'input' | 'output' = 'input'): JsonObject {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any', reused: 'inline' }) as JsonObject;
  return rest;
}

const PROBLEMS: Record<ErrorKind, AppError> = {
  validation: validationError('body', [{ path: ['name'], message: 'This field is required.' }]),
  unauthenticated: new AppError('unauthenticated', 'Authentication credentials were not provided.'),
  invalid_credentials: new AppError('invalid_credentials', 'Invalid token.'),
  forbidden: new AppError('forbidden', 'You do not have permission to perform this action.'),
  not_found: new AppError('not_found', 'Not found.'),
  conflict: new AppError('conflict', 'An organization with this label already exists.', { detail: { field: 'label' } }),
  payload_too_large: new AppError('payload_too_large', 'Request body exceeds the limit.'),
  rate_limited: new AppError('rate_limited', 'Request was throttled.', { retryAfterSeconds: 42 }),
};

const exampleEvent = {
  headers: {},
  queryStringParameters: null,
  pathParameters: null,
  resource: '/',
  path: '/',
  httpMethod: 'GET',
} as unknown as HttpEvent;

/** The error kinds a route can answer: authentication, throttling, bad input, unknown resources, size. */
function errorKinds(route: Route, contract: EndpointContract, doc: OperationDoc): ErrorKind[] {
  const kinds = new Set<ErrorKind>(['validation']);
  if (!contract.anonymous) kinds.add('unauthenticated').add('invalid_credentials').add('rate_limited');
  if (contract.requires) kinds.add('forbidden');
  if (route.path.includes('{')) kinds.add('not_found');
  if (contract.bodyFormat) kinds.add('payload_too_large');
  for (const kind of doc.errors ?? []) kinds.add(kind);
  return [...kinds];
}

function errorResponses(doc: DialectDoc, kinds: ErrorKind[]): Record<string, JsonObject> {
  const byStatus = new Map<number, Record<string, { summary: string; value: unknown }>>();
  for (const kind of kinds) {
    const result = doc.dialect.formatError(PROBLEMS[kind], exampleEvent);
    const value = doc.error.mediaType === 'application/json' ? JSON.parse(result.body) : result.body;
    const examples = byStatus.get(result.statusCode) ?? {};
    examples[kind] = { summary: kind.replace('_', ' '), value };
    byStatus.set(result.statusCode, examples);
  }
  return Object.fromEntries(
    [...byStatus.entries()]
      .sort(([a], [b]) => a - b)
      .map(([status, examples]) => [
        String(status),
        {
          description: Object.keys(examples).join(', ').replaceAll('_', ' '),
          ...(status === 429
            ? { headers: { 'Retry-After': { description: 'Seconds until the window resets.', schema: { type: 'integer' } } } }
            : {}),
          content: { [doc.error.mediaType]: { schema: { $ref: '#/components/schemas/Error' }, examples } },
        },
      ]),
  );
}

/** One OpenAPI parameter per property of an object schema. */
function parametersOf(schema: z.ZodMiniType | undefined, location: 'path' | 'query', example: Record<string, unknown> = {}): JsonObject[] {
  if (!schema) return [];
  const { properties = {}, required = [] } = jsonSchema(schema) as { properties?: Record<string, JsonObject>; required?: string[] };
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.includes(name),
    schema: property,
    ...(example[name] !== undefined ? { example: example[name] } : {}),
  }));
}

/**
 * The same fields as form fields, all text (the endpoint's `fromForm` reads them): a nullable field is
 * empty for null, a boolean one of true/false (1/0, yes/no, on/off), an object JSON text.
 */
function formSchema(schema: JsonObject): JsonObject {
  const asText = (property: JsonObject): JsonObject => {
    const nullable = (property.anyOf as JsonObject[] | undefined)?.find((option) => option.type !== 'null');
    if (nullable) return { ...asText(nullable), description: 'Empty for null.' };
    if (property.type === 'boolean') return { type: 'string', description: 'true or false (also 1/0, yes/no, on/off).' };
    if (property.type === 'object') return { type: 'string', contentMediaType: 'application/json', description: 'A JSON object.' };
    return property;
  };
  const properties = (schema.properties ?? {}) as Record<string, JsonObject>;
  return { ...schema, properties: Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, asText(property)])) };
}

function requestBody(contract: EndpointContract, doc: OperationDoc): JsonObject | undefined {
  const schema = doc.body ?? contract.body;
  if (!schema) return undefined;
  const format = doc.bodyFormat ?? contract.bodyFormat;
  const example = doc.example?.body !== undefined ? { example: doc.example.body } : {};
  if (format === 'json-or-form') {
    const form = { schema: formSchema(jsonSchema(schema)) };
    return {
      required: true,
      content: {
        'application/json': { schema: jsonSchema(schema), ...example },
        'application/x-www-form-urlencoded': form,
        'multipart/form-data': form,
      },
    };
  }
  const mediaType = format === 'form' ? 'application/x-www-form-urlencoded' : 'application/json';
  return { required: true, content: { [mediaType]: { schema: jsonSchema(schema), ...example } } };
}

function successResponses(doc: DialectDoc, operation: OperationDoc): Record<string, JsonObject> {
  return Object.fromEntries(
    Object.entries(operation.responses).map(([status, response]) => {
      const schema =
        typeof response.schema === 'string'
          ? { $ref: `#/components/schemas/${response.schema}` }
          : response.schema
            ? jsonSchema(response.schema, 'output')
            : undefined;
      const content = schema
        ? {
            'application/json': { schema, ...(response.example !== undefined ? { example: response.example } : {}) },
            ...(response.alternatives ?? {}),
          }
        : undefined;
      return [
        status,
        { description: response.description, ...(response.headers ? { headers: response.headers } : {}), ...(content ? { content } : {}) },
      ];
    }),
  );
}

export async function contractOf(route: Route): Promise<EndpointContract> {
  const module = (await import(pathToFileURL(resolve(repoRoot, route.handler)).href)) as { handler: { contract?: EndpointContract } };
  if (!module.handler.contract) throw new Error(`${route.handler} does not export an endpoint built by createEndpoint`);
  return module.handler.contract;
}

export async function openApiDocument(doc: DialectDoc): Promise<JsonObject> {
  const paths: Record<string, Record<string, JsonObject>> = {};
  const dialectRoutes = routes.filter((route) => route.dialect === doc.dialect.name);
  for (const route of dialectRoutes) {
    const operation = doc.operations[route.name];
    if (!operation) throw new Error(`No OpenAPI description for route ${route.name}`);
    const contract = await contractOf(route);
    const parameters = [
      // A handler serving several routes declares every route's path parameter: each route documents its own.
      ...parametersOf(contract.params, 'path', operation.example?.params).filter((p) => route.path.includes(`{${String(p.name)}}`)),
      ...parametersOf(contract.query, 'query', operation.example?.query),
      ...(operation.parameters ?? []),
    ];
    const body = requestBody(contract, operation);
    const scope = contract.requires ? `\n\nRequires the \`${contract.requires}\` permission.` : '';
    (paths[route.path] ??= {})[route.method.toLowerCase()] = {
      operationId: route.name,
      tags: [doc.tagOf(route)],
      summary: operation.summary,
      ...(operation.description || scope ? { description: `${operation.description ?? ''}${scope}`.trim() } : {}),
      ...(contract.anonymous || operation.security ? { security: operation.security ?? [] } : {}),
      ...(parameters.length > 0 ? { parameters } : {}),
      ...(body ? { requestBody: body } : {}),
      responses: { ...successResponses(doc, operation), ...errorResponses(doc, errorKinds(route, contract, operation)) },
    };
  }
  for (const name of Object.keys(doc.operations)) {
    if (!dialectRoutes.some((route) => route.name === name))
      throw new Error(`OpenAPI description for ${name}, which is not in the route table`);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: doc.title,
      version: '1.0.0',
      description: doc.description,
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [
      { url: '/', description: 'This server (the local API from `npm start`, or the API Gateway stage serving this document)' },
      {
        url: 'https://{apiId}.execute-api.{region}.amazonaws.com/{stage}',
        description: 'A deployed stage (`cdk deploy`)',
        variables: { apiId: { default: 'abc123' }, region: { default: 'eu-west-3' }, stage: { default: 'prod' } },
      },
    ],
    tags: doc.tags,
    security: doc.security,
    paths,
    components: { securitySchemes: doc.securitySchemes, schemas: componentSchemas(doc) },
  };
}

/** Named schemas as one registry: one refers to another (and to itself) by `#/components/schemas/<name>`. */
function componentSchemas(doc: DialectDoc): JsonObject {
  const registry = z.registry<{ id: string }>();
  registry.add(doc.error.schema, { id: 'Error' });
  for (const [id, schema] of Object.entries(doc.schemas)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, { io: 'output', unrepresentable: 'any', uri: (id) => `#/components/schemas/${id}` });
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _schema, $id: _id, ...schema }]) => [id, schema]));
}

export const dialectNames: DialectName[] = ['engagement', 'netux', 'apidae', 'responsys'];

export async function dialectDoc(name: DialectName): Promise<DialectDoc> {
  return ((await import(`./dialects/${name}.ts`)) as { default: DialectDoc }).default;
}

export async function allDocuments(): Promise<Record<DialectName, JsonObject>> {
  const entries = await Promise.all(dialectNames.map(async (name) => [name, await openApiDocument(await dialectDoc(name))] as const));
  return Object.fromEntries(entries) as Record<DialectName, JsonObject>;
}
