/**
 * A local API Gateway (REST, v1 proxy integration). It routes with the shared route table, builds
 * events the way API Gateway does (multi-value maps, `null` for absent maps, decoded path parameters,
 * base64 for binary bodies, the forwarding headers and the request context it vouches for) and turns
 * handler results into HTTP responses. It holds requests and answers to the limits of API Gateway and
 * Lambda together: 413 for a body over 10 MB or an event over Lambda's 6 MB, 502 for a result over 6 MB
 * or of a shape API Gateway rejects. Its own answers carry `nosniff` (in AWS, gateway responses do).
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

import type { Context } from 'aws-lambda';

import type { Route } from '#functions/routes.ts';
import { exceedsPayloadLimit, type HttpEvent, type HttpResult } from '#shared/http/types.ts';
import { decodeUrlComponent, urlencodedPairs } from '#shared/http/urlencoded.ts';

export type LambdaHandler = (event: HttpEvent, context: Context) => Promise<HttpResult>;

export const MAX_PAYLOAD_BYTES = 10 * 1024 * 1024;
const TEXT_TYPES = /^(text\/|application\/(json|javascript|x-www-form-urlencoded|xml)|[^;]*\+json)/i;

interface CompiledRoute {
  route: Route;
  pattern: RegExp;
  paramNames: string[];
}

function compile(route: Route): CompiledRoute {
  const paramNames: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(.+?)(\+)?\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      paramNames.push(param[1]!);
      return param[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}/?$`), paramNames };
}

/**
 * API Gateway prefers static segments over parameters, and parameters over a greedy `{proxy+}`: sort so
 * the most specific path matches first. A method of its own beats `ANY`, whatever the paths.
 */
function specificity(route: Route): number[] {
  return [
    route.method === 'ANY' ? 0 : 1,
    ...route.path.split('/').map((segment) => (segment.endsWith('+}') ? -0.5 : segment.startsWith('{') ? 0 : 1)),
  ];
}

export function createRouter(routes: Route[]) {
  const compiled = [...routes]
    .sort((a, b) => {
      const [sa, sb] = [specificity(a), specificity(b)];
      for (let i = 0; i < Math.max(sa.length, sb.length); i++) {
        const diff = (sb[i] ?? -1) - (sa[i] ?? -1);
        if (diff !== 0) return diff;
      }
      return 0;
    })
    .map(compile);
  return (method: string, path: string) => {
    for (const { route, pattern, paramNames } of compiled) {
      if (route.method !== method && route.method !== 'ANY') continue;
      const match = pattern.exec(path);
      if (!match) continue;
      // Undecodable bytes become U+FFFD, as in query strings: the handler refuses them with its dialect's 4xx.
      const params = Object.fromEntries(paramNames.map((name, i) => [name, decodeUrlComponent(match[i + 1]!)]));
      return { route, params };
    }
    return undefined;
  };
}

function multiValue(entries: [string, string][]): Record<string, string[]> | null {
  if (entries.length === 0) return null;
  // Keys come from the client: a Map, so `constructor` or `__proto__` are ordinary names.
  const map = new Map<string, string[]>();
  for (const [key, value] of entries) map.set(key, [...(map.get(key) ?? []), value]);
  return Object.fromEntries(map);
}

const lastValues = (map: Record<string, string[]> | null) =>
  map === null ? null : Object.fromEntries(Object.entries(map).map(([k, v]) => [k, v[v.length - 1]!]));

/** The request as the gateway saw it: the client's bytes, and what the socket says (never the client). */
export interface GatewayRequest {
  method: string;
  url: string;
  headers: [string, string][];
  body: Buffer;
  sourceIp: string;
  /** `host:port` the request arrived on: the request context's domain name (absolute URLs are built from it). */
  domainName?: string;
}

/** Forwarding headers are the gateway's own: a client's X-Forwarded-Proto/-Port are dropped, its X-Forwarded-For extended. */
const FORWARDING = /^x-forwarded-(for|proto|port)$/i;

export function buildEvent(request: GatewayRequest, route: Route, pathParameters: Record<string, string>, stage: string): HttpEvent {
  const url = new URL(request.url, 'http://local');
  const domainName = request.domainName ?? 'localhost';
  const forwardedFor = request.headers.filter(([k]) => k.toLowerCase() === 'x-forwarded-for').map(([, v]) => v);
  const multiValueHeaders = multiValue([
    ...request.headers.filter(([k]) => !FORWARDING.test(k)),
    ['X-Forwarded-For', [...forwardedFor, request.sourceIp].join(', ')],
    ['X-Forwarded-Proto', 'http'],
    ['X-Forwarded-Port', /:(\d+)$/.exec(domainName)?.[1] ?? '80'],
  ]);
  const multiValueQueryStringParameters = multiValue(urlencodedPairs(url.search));
  const contentType = request.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  const binary = request.body.length > 0 && contentType !== '' && !TEXT_TYPES.test(contentType);
  const requestId = randomUUID();
  return {
    resource: route.path,
    path: url.pathname,
    httpMethod: request.method,
    headers: lastValues(multiValueHeaders) ?? {},
    multiValueHeaders: multiValueHeaders ?? {},
    queryStringParameters: lastValues(multiValueQueryStringParameters),
    multiValueQueryStringParameters,
    pathParameters: Object.keys(pathParameters).length > 0 ? pathParameters : null,
    stageVariables: null,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      authorizer: null,
      protocol: 'HTTP/1.1',
      httpMethod: request.method,
      identity: {
        sourceIp: request.sourceIp,
        userAgent: request.headers.find(([k]) => k.toLowerCase() === 'user-agent')?.[1] ?? null,
      } as HttpEvent['requestContext']['identity'],
      // Locally the API is served at the root (no stage in the path), as on a custom domain without base path.
      path: url.pathname,
      stage,
      requestId,
      requestTimeEpoch: Date.now(),
      resourceId: 'local',
      resourcePath: route.path,
      domainName,
    },
    body: request.body.length === 0 ? null : binary ? request.body.toString('base64') : request.body.toString('utf8'),
    isBase64Encoded: binary,
  };
}

/** `host:port` of a socket address as it goes in a URL (IPv6 in brackets, IPv4-mapped addresses as IPv4). */
export function urlHost(address: string, port: number): string {
  const host = address.replace(/^::ffff:(?=\d+\.)/, '');
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function lambdaContext(route: Route, requestId: string, invocationMs: number): Context {
  const deadline = Date.now() + invocationMs;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: route.name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${route.name}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${route.name}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

function send(res: ServerResponse, status: number, headers: Record<string, string | string[]>, body: Buffer | string) {
  res.writeHead(status, headers);
  res.end(body);
}

/** API Gateway's own error answers (not the dialects'): its JSON `{message}`. */
const gatewayError = (res: ServerResponse, status: number, message: string) =>
  send(
    res,
    status,
    { 'content-type': 'application/json', 'x-amzn-errortype': 'GatewayError', 'x-content-type-options': 'nosniff' },
    JSON.stringify({ message }),
  );

export interface GatewayOptions {
  routes: Route[];
  loadHandler(route: Route): Promise<LambdaHandler>;
  stage?: string;
  /** Extra non-API paths (docs, the local Step Functions endpoint) served before routing. */
  extra?: (req: IncomingMessage, res: ServerResponse, body: Buffer) => Promise<boolean>;
  /** The time an invocation is given (API Gateway's 29 s integration limit; a test may shorten it). */
  invocationMs?: number;
}

export function createGateway(options: GatewayOptions): Server {
  const route = createRouter(options.routes);
  const handlers = new Map<string, Promise<LambdaHandler>>();
  const handlerFor = (r: Route) => {
    let handler = handlers.get(r.name);
    if (!handler) handlers.set(r.name, (handler = options.loadHandler(r)));
    return handler;
  };

  return createServer(async (req, res) => {
    // The gateway's own answers (errors, the docs pages) carry nosniff; a handler's carry what it says,
    // as API Gateway adds nothing to a proxy integration's answer.
    res.setHeader('x-content-type-options', 'nosniff');
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_PAYLOAD_BYTES) return gatewayError(res, 413, 'Request Too Long');
      chunks.push(chunk as Buffer);
    }
    const body = Buffer.concat(chunks);
    try {
      if (options.extra && (await options.extra(req, res, body))) return;
      res.removeHeader('x-content-type-options');
      const pathname = new URL(req.url ?? '/', 'http://local').pathname;
      const match = route(req.method ?? 'GET', pathname);
      if (!match) return gatewayError(res, 403, 'Missing Authentication Token');

      const headers: [string, string][] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
      const event = buildEvent(
        {
          method: req.method ?? 'GET',
          url: req.url ?? '/',
          headers,
          body,
          sourceIp: (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:(?=\d+\.)/, ''),
          domainName: urlHost(req.socket.localAddress ?? '127.0.0.1', req.socket.localPort ?? 0),
        },
        match.route,
        match.params,
        options.stage ?? 'local',
      );
      // Lambda takes at most 6 MB of event (base64 makes a binary body a third larger).
      if (exceedsPayloadLimit(event)) return gatewayError(res, 413, 'Request Too Long');
      const handler = await handlerFor(match.route);
      const result = await handler(event, lambdaContext(match.route, event.requestContext.requestId, options.invocationMs ?? 29_000));
      if (!result || typeof result.statusCode !== 'number' || (result.body !== undefined && typeof result.body !== 'string')) {
        return gatewayError(res, 502, 'Internal server error');
      }
      // …and returns at most 6 MB: beyond, the invocation fails and API Gateway answers 502.
      if (exceedsPayloadLimit(result)) {
        console.error(JSON.stringify({ level: 'ERROR', message: 'handler result over the Lambda payload limit', route: match.route.name }));
        return gatewayError(res, 502, 'Internal server error');
      }
      const responseHeaders: Record<string, string | string[]> = { ...(result.headers as Record<string, string>) };
      for (const [key, values] of Object.entries(result.multiValueHeaders ?? {})) responseHeaders[key] = values.map(String);
      responseHeaders['x-amzn-requestid'] = event.requestContext.requestId;
      send(
        res,
        result.statusCode,
        responseHeaders,
        result.isBase64Encoded ? Buffer.from(result.body ?? '', 'base64') : (result.body ?? ''),
      );
    } catch (error) {
      // A handler that throws is a Lambda invocation error: API Gateway answers 502.
      console.error(JSON.stringify({ level: 'ERROR', message: 'handler invocation failed', error: String(error) }));
      if (!res.headersSent) gatewayError(res, 502, 'Internal server error');
    }
  });
}
