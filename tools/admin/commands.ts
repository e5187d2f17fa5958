/**
 * The admin CLI's commands: one entry per `<group> <action>`, each with its options (node:util
 * parseArgs), its help line and a call into the domain or the repositories. Nothing here talks HTTP.
 */
import { readFile } from 'node:fs/promises';
import type { ParseArgsConfig } from 'node:util';

import { getAccessList, listAccessLists, replaceAccess } from '#shared/db/access-lists.ts';
import { listApps, putApp } from '#shared/db/apps.ts';
import { backfillListingKeys } from '#shared/db/credentials.ts';
import {
  deleteDiffusion,
  getClientMapping,
  getPublisher,
  getTenant,
  listClientMappings,
  listDiffuseurs,
  listPublishers,
  listTenants,
  putAccessList,
  putClientMapping,
  putDiffusion,
  putPublisher,
  putTenant,
} from '#shared/db/directory.ts';
import type { NetuxScope, RateLimit } from '#shared/domain/credential.ts';
import { type CredentialRequest, issueCredential, listCredentials, revokeCredential } from '#shared/domain/credential-admin.ts';
import type { AccessListKind } from '#shared/domain/directory.ts';
import { parseOrganizationKey } from '#shared/domain/organization.ts';
import { createOrganization, moveOrganization, setMemberData } from '#shared/domain/organization-writes.ts';
import { getOrganization, resolveOrganizationId } from '#shared/domain/organizations.ts';
import { AppError } from '#shared/errors.ts';
import { memberSchema, parseSeedFile } from '#shared/seed/schema.ts';

type Options = NonNullable<ParseArgsConfig['options']>;
type Values = Record<string, string | boolean | undefined>;

export interface Output {
  /** A result for people (a table or a line) or, with --json, for programs. */
  result(value: unknown, columns?: string[]): void;
  /** Progress of a long operation (a bar on a terminal). */
  progress(done: number, total: number, label: string): void;
}

export interface Command {
  group: string;
  action: string;
  summary: string;
  options: Options;
  /** Required option names (usage error when missing). */
  required?: string[];
  run(values: Values, out: Output): Promise<void>;
}

/** A usage mistake: exit code 2 and the command's help. */
export class UsageError extends Error {}

const str = (values: Values, name: string) => values[name] as string;
const opt = (values: Values, name: string) => values[name] as string | undefined;
const list = (value: string | undefined) =>
  value
    ? value
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
const tenant = { tenant: { type: 'string', short: 't' } } as const satisfies Options;

async function existingTenant(tenantId: string): Promise<string> {
  if (!(await getTenant(tenantId))) throw new AppError('not_found', `Tenant ${tenantId} does not exist (see: tenants list).`);
  return tenantId;
}

function rateLimitOf(value: string | undefined): RateLimit | undefined {
  if (value === undefined) return undefined;
  const match = /^(\d+)\/(\d+)$/.exec(value);
  if (!match) throw new UsageError('--rate-limit is LIMIT/WINDOW_SECONDS, e.g. 600/60');
  return { limit: Number(match[1]), windowSeconds: Number(match[2]) };
}

async function readJson(path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new AppError('validation', `Cannot read ${path}: ${(error as Error).message}`);
  }
}

async function organizationIdOf(tenantId: string, key: string): Promise<string> {
  const id = await resolveOrganizationId(tenantId, parseOrganizationKey(key));
  if (!id) throw new AppError('not_found', `No organization ${key} in tenant ${tenantId}.`);
  return id;
}

const organizationRow = (o: { id: string; intId: number; label: string; name: string; parentId: string | null }) => ({
  id: o.id,
  intId: o.intId,
  label: o.label,
  name: o.name,
  parent: o.parentId ?? '',
});

function accessListCommands(kind: AccessListKind): Command[] {
  const group = kind === 'program' ? 'programs' : 'campaigns';
  return [
    {
      group,
      action: 'list',
      summary: `List the tenant's ${group}`,
      options: tenant,
      required: ['tenant'],
      async run(v, out) {
        const lists = await listAccessLists(await existingTenant(str(v, 'tenant')), kind);
        out.result(
          lists.map((l) => ({ id: l.id, name: l.name, status: l.status, organizations: l.organizationIds.length })),
          ['id', 'name', 'status', 'organizations'],
        );
      },
    },
    {
      group,
      action: 'create',
      summary: `Create (or update) a ${kind}`,
      options: {
        ...tenant,
        id: { type: 'string' },
        name: { type: 'string' },
        status: { type: 'string', default: 'ACTIVE' },
        description: { type: 'string' },
      },
      required: ['tenant', 'id', 'name'],
      async run(v, out) {
        const tenantId = await existingTenant(str(v, 'tenant'));
        const id = Number(str(v, 'id'));
        if (!Number.isInteger(id) || id < 1) throw new UsageError('--id is a positive integer');
        const existing = await getAccessList(tenantId, kind, str(v, 'name'));
        await putAccessList(tenantId, {
          kind,
          id,
          name: str(v, 'name'),
          status: str(v, 'status'),
          description: opt(v, 'description') ?? null,
          organizationIds: existing?.organizationIds ?? [],
        });
        out.result(`${existing ? 'Updated' : 'Created'} ${kind} ${str(v, 'name')} (${id}).`);
      },
    },
    {
      group,
      action: 'access',
      summary: `Set the organizations (ids or ~labels) that can access a ${kind}`,
      options: { ...tenant, name: { type: 'string' }, organizations: { type: 'string' } },
      required: ['tenant', 'name', 'organizations'],
      async run(v, out) {
        const tenantId = await existingTenant(str(v, 'tenant'));
        const accessList = await getAccessList(tenantId, kind, str(v, 'name'));
        if (!accessList) throw new AppError('not_found', `No ${kind} ${str(v, 'name')}.`);
        const ids = await Promise.all(list(opt(v, 'organizations')).map((key) => organizationIdOf(tenantId, key)));
        await replaceAccess(tenantId, accessList, [...new Set(ids)]);
        out.result(`${str(v, 'name')}: ${ids.length} organization(s) have access.`);
      },
    },
  ];
}

export const commands: Command[] = [
  {
    group: 'tenants',
    action: 'list',
    summary: 'List tenants',
    options: {},
    async run(_v, out) {
      out.result(await listTenants(), ['id', 'name']);
    },
  },
  {
    group: 'tenants',
    action: 'create',
    summary: 'Create a tenant (or rename it)',
    options: { id: { type: 'string' }, name: { type: 'string' } },
    required: ['id', 'name'],
    async run(v, out) {
      if (!/^[A-Za-z0-9_-]{1,64}$/.test(str(v, 'id'))) throw new UsageError('--id is 1-64 letters, digits, _ or -');
      await putTenant({ id: str(v, 'id'), name: str(v, 'name') });
      out.result(`Tenant ${str(v, 'id')} is ready.`);
    },
  },
  {
    group: 'apps',
    action: 'list',
    summary: "List the tenant's apps (Netux `app`)",
    options: tenant,
    required: ['tenant'],
    async run(v, out) {
      out.result(await listApps(await existingTenant(str(v, 'tenant'))), ['id', 'label', 'name', 'url']);
    },
  },
  {
    group: 'apps',
    action: 'create',
    summary: 'Create (or update) an app',
    options: { ...tenant, id: { type: 'string' }, label: { type: 'string' }, name: { type: 'string' }, url: { type: 'string' } },
    required: ['tenant', 'id', 'label', 'name'],
    async run(v, out) {
      const tenantId = await existingTenant(str(v, 'tenant'));
      await putApp(tenantId, { id: str(v, 'id'), label: str(v, 'label'), name: str(v, 'name'), url: opt(v, 'url') ?? null });
      out.result(`App ${str(v, 'id')} is ready.`);
    },
  },
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
  {
    group: 'publishers',
    action: 'list',
    summary: "List the tenant's Engagement publishers",
    options: tenant,
    required: ['tenant'],
    async run(v, out) {
      out.result(await listPublishers(await existingTenant(str(v, 'tenant'))), ['id', 'name', 'category', 'url', 'annonceur']);
    },
  },
  {
    group: 'publishers',
    action: 'create',
    summary: 'Create (or update) a publisher',
    options: {
      ...tenant,
      id: { type: 'string' },
      name: { type: 'string' },
      category: { type: 'string' },
      url: { type: 'string' },
      logo: { type: 'string' },
      description: { type: 'string' },
      widget: { type: 'boolean', default: false },
      api: { type: 'boolean', default: false },
      campaign: { type: 'boolean', default: false },
      annonceur: { type: 'boolean', default: false },
    },
    required: ['tenant', 'id', 'name'],
    async run(v, out) {
      const tenantId = await existingTenant(str(v, 'tenant'));
      const flag = (name: string) => v[name] === true;
      await putPublisher(tenantId, {
        id: str(v, 'id'),
        name: str(v, 'name'),
        category: opt(v, 'category') ?? null,
        url: opt(v, 'url') ?? null,
        logo: opt(v, 'logo') ?? null,
        description: opt(v, 'description') ?? null,
        widget: flag('widget'),
        api: flag('api'),
        campaign: flag('campaign'),
        annonceur: flag('annonceur'),
      });
      out.result(`Publisher ${str(v, 'id')} is ready.`);
    },
  },
  {
    group: 'publishers',
    action: 'diffuseurs',
    summary: "List the publishers that broadcast a publisher's missions",
    options: { ...tenant, publisher: { type: 'string' } },
    required: ['tenant', 'publisher'],
    async run(v, out) {
      out.result(await listDiffuseurs(await existingTenant(str(v, 'tenant')), str(v, 'publisher')), ['id', 'name']);
    },
  },
  {
    group: 'publishers',
    action: 'link',
    summary: "Let --diffuseur broadcast --publisher's missions",
    options: { ...tenant, publisher: { type: 'string' }, diffuseur: { type: 'string' } },
    required: ['tenant', 'publisher', 'diffuseur'],
    async run(v, out) {
      const tenantId = await existingTenant(str(v, 'tenant'));
      for (const id of [str(v, 'publisher'), str(v, 'diffuseur')]) {
        if (!(await getPublisher(tenantId, id))) throw new AppError('not_found', `No publisher ${id}.`);
      }
      await putDiffusion(tenantId, str(v, 'publisher'), str(v, 'diffuseur'));
      out.result(`${str(v, 'diffuseur')} now broadcasts ${str(v, 'publisher')}'s missions.`);
    },
  },
  {
    group: 'publishers',
    action: 'unlink',
    summary: 'Remove a diffuseur relation',
    options: { ...tenant, publisher: { type: 'string' }, diffuseur: { type: 'string' } },
    required: ['tenant', 'publisher', 'diffuseur'],
    async run(v, out) {
      await deleteDiffusion(await existingTenant(str(v, 'tenant')), str(v, 'publisher'), str(v, 'diffuseur'));
      out.result(`${str(v, 'diffuseur')} no longer broadcasts ${str(v, 'publisher')}'s missions.`);
    },
  },
  {
    group: 'mappings',
    action: 'list',
    summary: "List a publisher's Engagement client-id mappings",
    options: { ...tenant, publisher: { type: 'string' } },
    required: ['tenant', 'publisher'],
    async run(v, out) {
      const mappings = await listClientMappings(await existingTenant(str(v, 'tenant')), str(v, 'publisher'));
      out.result(
        mappings.map((m) => ({ ...m, allowedPublisherIds: m.allowedPublisherIds.join(',') })),
        ['clientId', 'organizationId', 'allowedPublisherIds'],
      );
    },
  },
  {
    group: 'mappings',
    action: 'create',
    summary: "Map a publisher's client id to an existing organization (id or ~label)",
    options: {
      ...tenant,
      publisher: { type: 'string' },
      'client-id': { type: 'string' },
      organization: { type: 'string' },
      allow: { type: 'string' },
    },
    required: ['tenant', 'publisher', 'client-id', 'organization'],
    async run(v, out) {
      const tenantId = await existingTenant(str(v, 'tenant'));
      if (!(await getPublisher(tenantId, str(v, 'publisher')))) throw new AppError('not_found', `No publisher ${str(v, 'publisher')}.`);
      const organizationId = await organizationIdOf(tenantId, str(v, 'organization'));
      const existing = await getClientMapping(tenantId, str(v, 'publisher'), str(v, 'client-id'));
      const allowed = opt(v, 'allow') === undefined ? (existing?.allowedPublisherIds ?? []) : list(opt(v, 'allow'));
      await putClientMapping(tenantId, {
        publisherId: str(v, 'publisher'),
        clientId: str(v, 'client-id'),
        organizationId,
        allowedPublisherIds: allowed,
      });
      out.result(`${str(v, 'publisher')}/${str(v, 'client-id')} → organization ${organizationId}.`);
    },
  },
  {
    group: 'organizations',
    action: 'create',
    summary: 'Create an organization (optionally under --parent, an id or ~label)',
    options: {
      ...tenant,
      label: { type: 'string' },
      name: { type: 'string' },
      description: { type: 'string' },
      parent: { type: 'string' },
    },
    required: ['tenant', 'label'],
    async run(v, out) {
      const tenantId = await existingTenant(str(v, 'tenant'));
      const parent = opt(v, 'parent');
      const organization = await createOrganization(
        tenantId,
        { label: str(v, 'label'), name: opt(v, 'name'), description: opt(v, 'description') },
        { parent: parent ? parseOrganizationKey(parent) : undefined },
      );
      out.result(organizationRow(organization), ['id', 'intId', 'label', 'name', 'parent']);
    },
  },
  {
    group: 'organizations',
    action: 'show',
    summary: 'Show an organization (id or ~label) with its member data',
    options: { ...tenant, key: { type: 'string' } },
    required: ['tenant', 'key'],
    async run(v, out) {
      const {
        appliedOps: _ops,
        version: _version,
        ...organization
      } = await getOrganization(await existingTenant(str(v, 'tenant')), parseOrganizationKey(str(v, 'key')));
      out.result(organization);
    },
  },
  {
    group: 'organizations',
    action: 'move',
    summary: 'Move an organization under --parent, or to the root with --root',
    options: { ...tenant, key: { type: 'string' }, parent: { type: 'string' }, root: { type: 'boolean', default: false } },
    required: ['tenant', 'key'],
    async run(v, out) {
      const parent = opt(v, 'parent');
      if ((parent === undefined) === (v.root !== true)) throw new UsageError('Give exactly one of --parent KEY and --root');
      const tenantId = await existingTenant(str(v, 'tenant'));
      const moved = await moveOrganization(tenantId, parseOrganizationKey(str(v, 'key')), parent ? parseOrganizationKey(parent) : null);
      out.result(organizationRow(moved), ['id', 'intId', 'label', 'name', 'parent']);
    },
  },
  {
    group: 'organizations',
    action: 'member',
    summary: "Replace an organization's Apidae member data from a JSON file (docs/seed-file.md, `member`)",
    options: { ...tenant, key: { type: 'string' }, file: { type: 'string' } },
    required: ['tenant', 'key', 'file'],
    async run(v, out) {
      const parsed = memberSchema.safeParse(await readJson(str(v, 'file')));
      if (!parsed.success) {
        throw new AppError(
          'validation',
          `Invalid member data:\n${parsed.error.issues.map((i) => `  ${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`,
        );
      }
      const { sponsor, ...member } = parsed.data;
      const tenantId = await existingTenant(str(v, 'tenant'));
      const updated = await setMemberData(tenantId, parseOrganizationKey(str(v, 'key')), { ...member, sponsorIntId: sponsor });
      out.result(
        `Member data of ${updated.label} replaced (${updated.member.users.length} user(s), ${updated.member.projects.length} project(s)).`,
      );
    },
  },
  ...accessListCommands('program'),
  ...accessListCommands('campaign'),
  {
    group: 'migrate',
    action: 'listings',
    summary: 'Make tenants and credentials written before the admin listings listable (one table scan; idempotent)',
    options: {},
    async run(_v, out) {
      out.result(`Added listing keys to ${await backfillListingKeys()} item(s).`);
    },
  },
  {
    group: 'import',
    action: 'seed',
    summary: 'Load a seed file (docs/seed-file.md): tenants, credentials, organizations, ... Idempotent',
    options: { file: { type: 'string' }, concurrency: { type: 'string', default: '16' } },
    required: ['file'],
    async run(v, out) {
      const seed = parseSeedFile(await readJson(str(v, 'file')));
      const { loadSeed } = await import('#shared/seed/load.ts');
      await loadSeed(seed, {
        concurrency: Number(str(v, 'concurrency')),
        onProgress: ({ tenantId, organizationsDone, organizationsTotal }) =>
          out.progress(organizationsDone, organizationsTotal, `${tenantId} organizations`),
      });
      out.result(
        `Loaded ${seed.tenants.length} tenant(s), ${seed.tenants.reduce((n, t) => n + t.organizations.length, 0)} organization(s).`,
      );
    },
  },
];
