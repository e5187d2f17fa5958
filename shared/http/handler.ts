/**
 * The handler factory every endpoint uses. One Middy pipeline, specialised per dialect:
 *   envelope (errors → dialect format, rate-limit and security headers, answer size limit, one log line)
 *   → header names lowercased → body size limit → authentication → rate limit → body parsing
 *   → well-formed text → zod validation → handle().
 * Handlers supply schemas, a required scope and a call into the domain; nothing else.
 */
import '#shared/wiring.ts';

import middy from '@middy/core';
import httpHeaderNormalizer from '@middy/http-header-normalizer';
import httpJsonBodyParser from '@middy/http-json-body-parser';
// zod/mini: the same validation as zod 4 at a quarter of the bundle (cold start); schemas are built
// with its functional API (z.optional(…), .check(z.maxLength(…))).
import type * as z from 'zod/mini';

import { withAbortSignal } from '#shared/cancellation.ts';
import { config } from '#shared/config.ts';
import { admitRequest } from '#shared/domain/authentication.ts';
import type { Principal } from '#shared/domain/credential.ts';
import { AppError, type InputLocation, type Issue, isThrottling, validationError } from '#shared/errors.ts';
import { logger } from '#shared/logger.ts';

import type { HttpEvent, HttpResult, RateLimitState, RequestContext } from './types.ts';
import { exceedsPayloadLimit, header, LAMBDA_PAYLOAD_LIMIT_BYTES, rawBodyBytes } from './types.ts';
import { bodyText, urlencodedBodyParser } from './urlencoded.ts';
import { ILL_FORMED_BYTES, refuseIllFormed } from './well-formed.ts';

export interface Dialect {
  name: 'engagement' | 'netux' | 'apidae' | 'responsys';
  maxBodyBytes: number;
  /** Resolves the caller's credential or throws `unauthenticated` / `invalid_credentials`. */
  authenticate(event: HttpEvent): Promise<Principal>;
  /** Whether a principal holds a handler's required permission. */
  authorize?(principal: Principal, requirement: string): boolean;
  /** The dialect's wire format for an error. Unknown errors arrive as `undefined` (→ its 500). */
  formatError(error: AppError | undefined, event: HttpEvent): HttpResult;
}

export interface HandlerInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
  event: HttpEvent;
}

/**
 * How a body is read: JSON (whatever the content type says), a urlencoded form, or `json-or-form`: a
 * form when the content type says one (urlencoded or multipart, read by the endpoint's `form`), else JSON.
 */
export type BodyFormat = 'json' | 'form' | 'json-or-form';

/**
 * How a `json-or-form` endpoint reads a form: its parser (shared/http/forms.ts: only the functions
 * that take forms carry a multipart parser) and what turns the form's fields (text, or files) into
 * the body its schema validates.
 */
export interface FormBody {
  parser: middy.MiddlewareObj<HttpEvent, HttpResult, Error, RequestContext>;
  fromForm(fields: Record<string, unknown>): unknown;
}

export interface EndpointOptions<P extends z.ZodMiniType, Q extends z.ZodMiniType, B extends z.ZodMiniType> {
  /** Permission the credential needs (a Netux scope, an Apidae access level, ...). */
  requires?: string;
  bodyFormat?: BodyFormat;
  /** With `json-or-form`: how a form is read. */
  form?: FormBody;
  params?: P;
  query?: Q;
  body?: B;
  /** Skip authentication (login endpoints). The handler then receives no principal. */
  anonymous?: boolean;
  /** The query parameter that makes the answer smaller, named when an answer would exceed Lambda's limit. */
  answerBoundedBy?: string;
  handle(input: HandlerInput<z.output<P>, z.output<Q>, z.output<B>>): Promise<HttpResult>;
}

/** What an endpoint declares about its input: read by the OpenAPI generator, never at request time. */
export interface EndpointContract {
  dialect: Dialect['name'];
  requires?: string;
  anonymous: boolean;
  bodyFormat?: BodyFormat;
  params?: z.ZodMiniType;
  query?: z.ZodMiniType;
  body?: z.ZodMiniType;
}

type Request = middy.Request<HttpEvent, HttpResult, Error, RequestContext>;

function rateLimitHeaders(state: RateLimitState | undefined): Record<string, string> {
  if (!state) return {};
  return {
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(Math.max(0, state.remaining)),
    'x-ratelimit-reset': String(state.resetAtSeconds),
  };
}

/**
 * Middy's parsers throw HttpErrors (415/422); to the dialects these are plain bad bodies. DynamoDB
 * throttling that outlasted the SDK's retries is answered as the dialect's 429, to be retried.
 */
function asAppError(error: unknown): AppError | undefined {
  if (error instanceof AppError) return error;
  if (isThrottling(error)) return new AppError('rate_limited', 'Throttled by the data store.', { retryAfterSeconds: 1 });
  const status = (error as { statusCode?: number } | undefined)?.statusCode;
  if (status === 415 || status === 422 || status === 400) {
    return validationError('body', [{ path: [], message: 'Malformed request body.' }], 'Malformed request body.');
  }
  return undefined;
}

/** How long before the function's end Middy answers for a request still running (its reads are then stopped). */
const TIMEOUT_EARLY_MS = 1_000;

/** The message of the 400 that replaces an answer over Lambda's limit (dialects may word it their way). */
export const RESPONSE_TOO_LARGE = 'The answer would exceed 6 MB, the most a Lambda function can return.';

/** Room left for the headers `finish` adds, so the measured answer is the one Lambda returns. */
const ENVELOPE_HEADROOM_BYTES = 1024;

const envelope = (dialect: Dialect, answerBoundedBy?: string): middy.MiddlewareObj<HttpEvent, HttpResult, Error, RequestContext> => {
  const finish = (request: Request, errorKind?: string) => {
    const response = request.response!;
    // nosniff: a browser never reads a JSON or plain-text answer (a client-controlled text) as HTML or script.
    response.headers = { ...rateLimitHeaders(request.context.rateLimit), ...response.headers, 'x-content-type-options': 'nosniff' };
    logger.info('request', {
      requestId: request.event.requestContext?.requestId,
      dialect: dialect.name,
      method: request.event.httpMethod,
      route: request.event.resource,
      status: response.statusCode,
      tenantId: request.context.principal?.tenantId,
      credentialId: request.context.principal?.credential.credentialId,
      durationMs: Date.now() - (request.context.startedAtMs ?? Date.now()),
      ...(errorKind ? { error: errorKind } : {}),
    });
  };
  return {
    before: (request) => {
      request.context.startedAtMs = Date.now();
    },
    after: (request) => {
      // Lambda would refuse a larger result (API Gateway then answers 502): a 400 in the dialect's format
      // instead (Netux 400001 naming the parameter, Engagement INVALID_QUERY, …).
      if (exceedsPayloadLimit(request.response!, LAMBDA_PAYLOAD_LIMIT_BYTES - ENVELOPE_HEADROOM_BYTES)) {
        throw new AppError('validation', RESPONSE_TOO_LARGE, {
          location: 'query',
          issues: [
            answerBoundedBy
              ? { path: [answerBoundedBy], message: `${RESPONSE_TOO_LARGE} Ask for a smaller ${answerBoundedBy}.` }
              : { path: [], message: RESPONSE_TOO_LARGE },
          ],
        });
      }
      finish(request);
    },
    onError: (request) => {
      const appError = asAppError(request.error);
      if (!appError) {
        // Middy's early answer when the function's time is nearly over (the work's reads are aborted).
        // (The SDK's socket timeouts are TimeoutErrors too: Middy's carries its package as the cause.)
        const timedOut =
          request.error instanceof Error &&
          request.error.name === 'TimeoutError' &&
          (request.error.cause as { package?: string } | undefined)?.package === '@middy/core';
        logger.error(timedOut ? 'timed out' : 'unhandled error', {
          requestId: request.event.requestContext?.requestId,
          route: request.event.resource,
          // The logger writes an Error's name, message and stack, its frames mapped to the sources.
          error: request.error instanceof Error ? request.error : String(request.error),
        });
      }
      request.response = dialect.formatError(appError, request.event);
      if (appError?.kind === 'rate_limited') {
        request.response.headers = { ...request.response.headers, 'retry-after': String(appError.options.retryAfterSeconds ?? 1) };
      }
      finish(request, appError?.kind ?? 'internal');
    },
  };
};

const bodyLimit = (dialect: Dialect): middy.MiddlewareObj<HttpEvent, HttpResult, Error, RequestContext> => ({
  before: (request) => {
    if (rawBodyBytes(request.event) > dialect.maxBodyBytes) {
      throw new AppError('payload_too_large', `Request body exceeds ${dialect.maxBodyBytes} bytes.`);
    }
  },
});

const authenticate = (dialect: Dialect, requires?: string): middy.MiddlewareObj<HttpEvent, HttpResult, Error, RequestContext> => ({
  before: async (request) => {
    const principal = await dialect.authenticate(request.event);
    request.context.principal = principal;
    if (requires && !(dialect.authorize?.(principal, requires) ?? false)) {
      throw new AppError('forbidden', 'You do not have permission to perform this action.');
    }
  },
});

const rateLimit = (): middy.MiddlewareObj<HttpEvent, HttpResult, Error, RequestContext> => ({
  before: async (request) => {
    await admitRequest(request.context.principal!.credential, config.defaultRateLimit, (state) => {
      request.context.rateLimit = state;
    });
  },
});

/** Whether the content type says the body is a form (urlencoded or multipart). */
const isForm = (event: HttpEvent) =>
  ['application/x-www-form-urlencoded', 'multipart/form-data'].includes(
    header(event, 'content-type')?.split(';')[0]!.trim().toLowerCase() ?? '',
  );

/**
 * JSON bodies: before parsing, whether the text holds U+FFFD as a character, what a gateway puts for bytes that
 * are not UTF-8 (one sent on purpose cannot be told apart; the `\uFFFD` escape stays text); the handler refuses
 * the field that holds it.
 */
const jsonBody = (): middy.MiddlewareObj<HttpEvent, HttpResult, Error, RequestContext> => {
  const parser = httpJsonBodyParser({ disableContentTypeCheck: true });
  return {
    before: (request) => {
      request.context.bodyHeldUndecodableBytes = bodyText(request.event).includes('\uFFFD');
      return parser.before!(request);
    },
  };
};

/** `json-or-form` bodies: a form through the endpoint's form parser, anything else as JSON. */
const jsonOrForm = (form: FormBody): middy.MiddlewareObj<HttpEvent, HttpResult, Error, RequestContext> => {
  const json = jsonBody();
  return { before: (request) => (isForm(request.event) ? form.parser.before!(request) : json.before!(request)) };
};

export function zodIssues(error: { issues: readonly { path: PropertyKey[]; message: string }[] }): Issue[] {
  return error.issues.map((issue) => ({ path: issue.path as (string | number)[], message: issue.message }));
}

/** Missing fields read as the vendors word it; other messages are zod's. */
export const requiredFieldMessage = (issue: { input?: unknown; code?: string }) =>
  issue.input === undefined && issue.code === 'invalid_type' ? 'This field is required.' : undefined;

function parseWith<S extends z.ZodMiniType>(schema: S | undefined, value: unknown, location: InputLocation): z.output<S> {
  if (!schema) return value as z.output<S>;
  const result = schema.safeParse(value, { error: requiredFieldMessage });
  if (!result.success) throw new AppError('validation', 'Validation Error.', { location, issues: zodIssues(result.error) });
  return result.data;
}

export function createEndpoint<P extends z.ZodMiniType, Q extends z.ZodMiniType, B extends z.ZodMiniType>(
  dialect: Dialect,
  options: EndpointOptions<P, Q, B>,
) {
  // Answer a second before the function's time is up, so the dialect's answer reaches API Gateway before its own 29 s limit.
  const pipeline = middy<HttpEvent, HttpResult, Error, RequestContext>({ timeoutEarlyInMillis: TIMEOUT_EARLY_MS })
    .use(envelope(dialect, options.answerBoundedBy))
    .use(httpHeaderNormalizer())
    .use(bodyLimit(dialect));
  if (!options.anonymous) pipeline.use(authenticate(dialect, options.requires)).use(rateLimit());
  if (options.bodyFormat === 'json') pipeline.use(jsonBody());
  if (options.bodyFormat === 'form') pipeline.use(urlencodedBodyParser());
  if (options.bodyFormat === 'json-or-form') {
    if (!options.form) throw new Error('A json-or-form endpoint needs its form reader (options.form).');
    pipeline.use(jsonOrForm(options.form));
  }
  // Work past the time Middy answers for is aborted: its reads stop (shared/cancellation.ts).
  const handler = pipeline.handler(async (event, context, { signal }) =>
    withAbortSignal(signal, async () => {
      // Text decoded from bytes (path, every value of the query string, a form's fields) may hold U+FFFD
      // for bytes that were not UTF-8; JSON may hold a lone surrogate.
      refuseIllFormed(event.pathParameters, 'path', true);
      refuseIllFormed(event.multiValueQueryStringParameters ?? event.queryStringParameters, 'query', true);
      const readAsForm = options.bodyFormat === 'form' || (options.bodyFormat === 'json-or-form' && isForm(event));
      if (readAsForm) refuseIllFormed(event.body, 'body', true);
      const body: unknown =
        options.form && readAsForm ? options.form.fromForm(event.body as unknown as Record<string, unknown>) : event.body;
      refuseIllFormed(body, 'body', context.bodyHeldUndecodableBytes === true, ILL_FORMED_BYTES);
      return options.handle({
        params: parseWith(options.params, event.pathParameters ?? {}, 'path'),
        query: parseWith(options.query, event.queryStringParameters ?? {}, 'query'),
        body: parseWith(options.body, body, 'body'),
        principal: context.principal!,
        event,
      });
    }),
  );
  const { requires, anonymous = false, bodyFormat, params, query, body } = options;
  const contract: EndpointContract = { dialect: dialect.name, requires, anonymous, bodyFormat, params, query, body };
  return Object.assign(handler, { contract });
}
