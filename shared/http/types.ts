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
 * The base URL the client actually called: scheme, host and whatever prefix (API Gateway stage or
 * custom-domain base path) precedes the resource path.
 */
export function baseUrl(event: HttpEvent): string {
  const proto = header(event, 'x-forwarded-proto') ?? 'https';
  const host = header(event, 'host') ?? event.requestContext.domainName ?? 'localhost';
  const fullPath = event.requestContext.path ?? event.path;
  const prefix = fullPath.endsWith(event.path) ? fullPath.slice(0, fullPath.length - event.path.length) : '';
  return `${proto}://${host}${prefix}`;
}

export function rawBodyBytes(event: HttpEvent): number {
  if (event.body === null || event.body === undefined) return 0;
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').length : Buffer.byteLength(event.body, 'utf8');
}
