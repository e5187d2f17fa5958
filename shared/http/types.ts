/** API Gateway REST (v1) proxy events: the one shape every handler receives, in AWS and locally. */
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';

import type { RateLimitState } from '#shared/domain/authentication.ts';
import type { Principal } from '#shared/domain/credential.ts';

export type HttpEvent = APIGatewayProxyEvent;
export type HttpResult = APIGatewayProxyResult;

export type { RateLimitState };

/** The Lambda context, extended with what the middlewares learned about the request. */
export interface RequestContext extends Context {
  /** When the pipeline started (for the request's log line). */
  startedAtMs?: number;
  principal?: Principal;
  rateLimit?: RateLimitState;
  /** A JSON body's text held U+FFFD as a character: bytes that were not UTF-8, replaced by the gateway. */
  bodyHeldUndecodableBytes?: boolean;
}

export const json = (statusCode: number, body: unknown, headers: Record<string, string> = {}): HttpResult => ({
  statusCode,
  headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
  body: JSON.stringify(body),
});

export const text = (statusCode: number, body: string, contentType = 'text/plain; charset=utf-8'): HttpResult => ({
  statusCode,
  headers: { 'content-type': contentType },
  body,
});

export const noContent = (): HttpResult => ({ statusCode: 204, headers: {}, body: '' });

/**
 * A request header by its lowercase name. Every handler's pipeline lowercases header names once
 * (@middy/http-header-normalizer), so this is a plain lookup, whatever capitalisation the client sent.
 */
export const header = (event: HttpEvent, name: string): string | undefined => event.headers?.[name];

/**
 * The base URL the client called, from values the gateway vouches for, never from the client's
 * `Host` header: the domain name of the request context (in AWS the API's own or custom domain, which
 * API Gateway routed by; locally the address the server listens on), the scheme the gateway reports,
 * and whatever prefix precedes the resource path: the stage on an execute-api domain, the base path
 * mapping on a custom domain, nothing locally.
 */
export function baseUrl(event: HttpEvent): string {
  const { domainName, path: fullPath, stage } = event.requestContext;
  const proto = header(event, 'x-forwarded-proto') === 'http' ? 'http' : 'https';
  const prefix = fullPath?.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : `/${stage}`;
  return `${proto}://${domainName ?? 'localhost'}${prefix}`;
}

/**
 * Lambda's limit on a synchronous invocation's payload, each way: the event JSON a function receives and
 * the result JSON it returns (6 MB; API Gateway answers 413 / 502 beyond).
 */
export const LAMBDA_PAYLOAD_LIMIT_BYTES = 6 * 1024 * 1024;

/**
 * Whether the JSON of an event or a result exceeds `limit`. Its body is a string inside it, which
 * escaping makes up to 6 times longer (`\u0000`), so a body below a sixth of the limit (less room for
 * the rest) skips the exact measure: most answers are never serialized twice.
 */
export function exceedsPayloadLimit(payload: { body?: string | null }, limit = LAMBDA_PAYLOAD_LIMIT_BYTES): boolean {
  if ((payload.body?.length ?? 0) * 6 + 64 * 1024 < limit) return false;
  return Buffer.byteLength(JSON.stringify(payload)) > limit;
}

export function rawBodyBytes(event: HttpEvent): number {
  if (event.body === null || event.body === undefined) return 0;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').length : Buffer.byteLength(event.body, 'utf8');
}
