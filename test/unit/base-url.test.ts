/** Absolute URLs carry the scheme, domain and stage (or base path) of the request context, never the client's Host. */
import { describe, expect, it } from 'vitest';

import type { HttpEvent } from '#shared/http/types.ts';
import { baseUrl } from '#shared/http/types.ts';

// Header names as the handler pipeline delivers them: lowercased by @middy/http-header-normalizer.
const event = (path: string, fullPath: string, domainName: string, headers: Record<string, string> = {}): HttpEvent =>
  ({ path, headers, requestContext: { path: fullPath, domainName, stage: 'v1' } }) as unknown as HttpEvent;

describe('baseUrl', () => {
  it('keeps the API Gateway stage in front of the resource path', () => {
    expect(
      baseUrl(
        event('/api/v2.0/organizations/', '/v1/api/v2.0/organizations/', 'abc.execute-api.eu-west-1.amazonaws.com', {
          'x-forwarded-proto': 'https',
        }),
      ),
    ).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/v1');
  });

  it('keeps a custom domain base path, and none when there is none', () => {
    expect(baseUrl(event('/rest/api/v1.3/auth/token', '/directory/rest/api/v1.3/auth/token', 'api.example.org'))).toBe(
      'https://api.example.org/directory',
    );
    expect(baseUrl(event('/v0/publisher', '/v0/publisher', '127.0.0.1:3000', { 'x-forwarded-proto': 'http' }))).toBe(
      'http://127.0.0.1:3000',
    );
  });

  it('ignores a forged Host header and any scheme but http and https', () => {
    const forged = event('/v0/publisher', '/v1/v0/publisher', 'abc.execute-api.eu-west-1.amazonaws.com', {
      host: 'evil.example.com',
      'x-forwarded-proto': 'javascript',
    });
    expect(baseUrl(forged)).toBe('https://abc.execute-api.eu-west-1.amazonaws.com/v1');
  });
});
