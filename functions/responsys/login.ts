/** POST /rest/api/v1.3/auth/token — password login, or `auth_type=token` refresh → {authToken, issuedAt, endPoint}. */
import * as z from 'zod/mini';

import { responsysEndpoint } from '#shared/dialects/responsys/dialect.ts';
import { login, refresh } from '#shared/domain/sessions.ts';
import { AppError } from '#shared/errors.ts';
import { baseUrl, header, json } from '#shared/http/types.ts';

const form = z.discriminatedUnion('auth_type', [
  z.object({
    auth_type: z.literal('password'),
    user_name: z.string().check(z.minLength(1), z.maxLength(256)),
    password: z.string().check(z.minLength(1), z.maxLength(1024)),
  }),
  z.object({ auth_type: z.literal('token') }),
]);

export const handler = responsysEndpoint({
  anonymous: true,
  bodyFormat: 'form',
  body: form,
  async handle({ body, event }) {
    let session;
    if (body.auth_type === 'password') {
      // The address API Gateway saw the request come from (the socket's, locally): never a header.
      session = await login(body.user_name, body.password, event.requestContext.identity.sourceIp);
    } else {
      const token = header(event, 'authorization');
      if (!token) throw new AppError('unauthenticated', 'Not a valid authentication token');
      session = await refresh(token);
    }
    return json(200, { authToken: session.token, issuedAt: session.issuedAt, endPoint: baseUrl(event) });
  },
});
