/** `credentials list|create|revoke`: secrets are shown once and never listed. */
import type { NetuxScope } from '#shared/domain/credential.ts';
import { type CredentialRequest, issueCredential, listCredentials, revokeCredential } from '#shared/domain/credential-admin.ts';
import { existingTenant } from '#shared/domain/directory-admin.ts';

import { type Command, list, opt, rateLimitOf, str, tenant, UsageError } from './common.ts';

export const credentialsCommands: Command[] = [
  {
    group: 'credentials',
    action: 'list',
    summary: "List the tenant's credentials (never their secrets)",
    options: tenant,
    required: ['tenant'],
    async run(v, out) {
      const credentials = await listCredentials(await existingTenant(str(v, 'tenant')));
      out.result(
        credentials.map((c) => ({ ...c, rateLimit: c.rateLimit ? `${c.rateLimit.limit}/${c.rateLimit.windowSeconds}s` : 'default' })),
        ['credentialId', 'kind', 'identifies', 'access', 'rateLimit'],
      );
    },
  },
  {
    group: 'credentials',
    action: 'create',
    summary: 'Create a credential; its secret is printed once',
    options: {
      ...tenant,
      kind: { type: 'string' },
      scopes: { type: 'string' },
      publisher: { type: 'string' },
      'projet-id': { type: 'string' },
      access: { type: 'string', default: 'limited' },
      user: { type: 'string' },
      'rate-limit': { type: 'string' },
    },
    required: ['tenant', 'kind'],
    async run(v, out) {
      const base = { tenantId: str(v, 'tenant'), rateLimit: rateLimitOf(opt(v, 'rate-limit')) };
      const need = (name: string) => {
        if (!opt(v, name)) throw new UsageError(`--kind ${str(v, 'kind')} needs --${name}`);
        return str(v, name);
      };
      let request: CredentialRequest;
      switch (str(v, 'kind')) {
        case 'netux': {
          const scopes = list(need('scopes'));
          const unknown = scopes.filter((s) => !['read', 'write', 'bulk'].includes(s));
          if (unknown.length > 0) throw new UsageError(`Unknown scope(s): ${unknown.join(', ')} (read, write, bulk)`);
          request = { ...base, kind: 'netux', scopes: scopes as NetuxScope[] };
          break;
        }
        case 'engagement':
          request = { ...base, kind: 'engagement', publisherId: need('publisher') };
          break;
        case 'apidae': {
          const projetId = Number(need('projet-id'));
          if (!Number.isInteger(projetId) || projetId < 1) throw new UsageError('--projet-id is a positive integer');
          if (!['full', 'limited'].includes(str(v, 'access'))) throw new UsageError('--access is full or limited');
          request = { ...base, kind: 'apidae', projetId, access: str(v, 'access') as 'full' | 'limited' };
          break;
        }
        case 'responsys':
          request = { ...base, kind: 'responsys', userName: need('user') };
          break;
        default:
          throw new UsageError('--kind is netux, engagement, apidae or responsys');
      }
      const { secret, credential } = await issueCredential(request);
      const label = { netux: 'token', engagement: 'API key (x-api-key)', apidae: 'apiKey', responsys: 'password' }[request.kind];
      out.result({ ...credential, secret }, ['credentialId', 'kind', 'identifies', 'secret']);
      process.stderr.write(`The ${label} above is shown only this once: store it now.\n`);
    },
  },
  {
    group: 'credentials',
    action: 'revoke',
    summary: 'Revoke a credential (a Responsys user: its session tokens too); effective on the next request',
    options: { ...tenant, id: { type: 'string' } },
    required: ['tenant', 'id'],
    async run(v, out) {
      const { revoked, tokens } = await revokeCredential(await existingTenant(str(v, 'tenant')), str(v, 'id'));
      out.result(
        `Revoked ${revoked.kind} credential ${revoked.credentialId} (${revoked.identifies})${tokens ? ` and ${tokens} session token(s)` : ''}.`,
      );
    },
  },
];
