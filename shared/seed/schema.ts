/**
 * The seed file: a JSON import of whole tenants (docs/seed-file.md). Secrets are given in plaintext
 * and hashed on load. Cross-references (parents, apps, sponsors, publishers, mappings, access lists)
 * are checked here so an error names the exact path of the bad field.
 */
import * as z from 'zod';

import { CAMPAIGN_PROPERTIES, CAMPAIGN_PURPOSES, CAMPAIGN_STATUSES, CAMPAIGN_TYPES, PROGRAM_STATUSES } from '#shared/domain/directory.ts';
import { LABEL_PATTERN, LABEL_RULE } from '#shared/labels.ts';
import { unstorableJsonReason } from '#shared/storable-json.ts';
import { mailLookupValue } from '#shared/text.ts';

const rateLimit = z.strictObject({
  limit: z.int().positive(),
  windowSeconds: z.int().positive().default(60),
});

/** URL-safe labels: they appear in paths as `~label`. */
export const labelSchema = z.string().regex(LABEL_PATTERN, LABEL_RULE);
export const hexIdSchema = z.string().regex(/^[0-9a-f]{20,24}$/, 'must be 20-24 lowercase hex characters');

/** Apidae member data of one organization (also read by `npm run admin -- organizations member`). */
export const memberSchema = z.strictObject({
  type: z.strictObject({ id: z.int(), nom: z.string() }).nullable().default(null),
  secteur: z
    .strictObject({ id: z.int(), nom: z.string(), description: z.string().nullable().default(null) })
    .nullable()
    .default(null),
  communes: z.array(z.strictObject({ code: z.string(), codePostal: z.string(), nom: z.string() })).default([]),
  sponsor: z.int().positive().nullable().default(null).describe('integer id of the sponsoring member (idParrain)'),
  urlLogo: z.string().nullable().default(null),
  niveauDiffusion: z.string().nullable().default(null),
  devise: z.string().nullable().default(null),
  descriptifCommercial: z.string().nullable().default(null),
  users: z
    .array(
      z.strictObject({
        id: z.int(),
        prenom: z.string(),
        nom: z.string(),
        eMail: z
          .string()
          .refine((value) => mailLookupValue(value) !== undefined, 'must be well-formed and at most 254 bytes (an e-mail address)')
          .nullable()
          .default(null),
        active: z.boolean().default(true),
        permissions: z.array(z.string()).default([]).describe('Apidae permissions (the utilisateur services answer them)'),
      }),
    )
    .default([]),
  projects: z
    .array(
      z.strictObject({
        id: z.int(),
        nom: z.string(),
        type: z.string().nullable().default(null),
        statut: z.enum(['DEMONSTRATION', 'DEVELOPPEMENT', 'NON_DETERMINE', 'PRODUCTION']),
      }),
    )
    .default([]),
  objetsGeres: z.array(z.unknown()).default([]),
  relations: z.array(z.unknown()).default([]),
  traductions: z.array(z.unknown()).default([]),
  tags: z.array(z.unknown()).default([]),
});

const organization = z.strictObject({
  id: hexIdSchema,
  intId: z.int().positive(),
  label: labelSchema,
  name: z.string().min(1),
  description: z.string().default(''),
  createdAt: z.iso.datetime().optional(),
  isActive: z.boolean().default(true),
  properties: z
    .record(z.string(), z.unknown())
    .superRefine((value, ctx) => {
      const reason = unstorableJsonReason(value);
      if (reason) ctx.addIssue({ code: 'custom', message: reason });
    })
    .default({}),
  logo: z.string().nullable().default(null),
  favicon: z.string().nullable().default(null),
  app: z.string().nullable().default(null).describe('app id'),
  parent: z.string().nullable().default(null).describe('string id of the parent organization'),
  member: memberSchema.optional(),
});

const publisher = z.strictObject({
  id: z.string().min(1).max(200),
  name: z.string(),
  category: z.string().nullable().default(null),
  url: z.string().nullable().default(null),
  logo: z.string().nullable().default(null),
  description: z.string().nullable().default(null),
  widget: z.boolean().default(false),
  api: z.boolean().default(false),
  campaign: z.boolean().default(false),
  annonceur: z.boolean().default(false),
  diffuseurs: z.array(z.string()).default([]).describe('ids of the publishers that broadcast this publisher’s missions'),
});

const listName = z
  .string()
  .min(1)
  .max(200)
  .refine((value) => value.isWellFormed(), 'must be well-formed Unicode');
const accessListCommon = {
  id: z.int().positive(),
  name: listName,
  description: z.string().nullable().default(null),
  folderName: z.string().default('').describe('the Responsys folder'),
  listName: z.string().nullable().default(null).describe('the profile list it addresses'),
  organizations: z.array(z.string()).default([]).describe('string ids of the organizations with access, in order'),
};
const program = z.strictObject({
  ...accessListCommon,
  status: z.enum(PROGRAM_STATUSES).default('NOT_RUNNING'),
  listId: z.int().positive().nullable().default(null).describe('id of the profile list (the single program answers list{id,name})'),
  channels: z.array(z.string()).default([]).describe('e.g. EMAIL, SMS, PUSH'),
  createdOn: z.string().optional().describe('dd/MM/yyyy; default: the day it is first loaded'),
  createdBy: z.string().optional(),
  modifiedOn: z.string().optional().describe('dd/MM/yyyy; default: the day it last changed'),
  modifiedBy: z.string().optional(),
  publishDate: z.string().nullable().optional(),
  unpublishDate: z.string().nullable().optional(),
});
const campaignProperty = {
  string: z.string(),
  boolean: z.boolean(),
  strings: z.array(z.string()),
  map: z.record(z.string(), z.string()),
} as const;
const campaign = z.strictObject({
  ...accessListCommon,
  type: z.enum(CAMPAIGN_TYPES).default('EMAIL'),
  status: z.enum(CAMPAIGN_STATUSES).default('ACTIVE').describe('answered as campaignStatus'),
  purpose: z.enum(CAMPAIGN_PURPOSES).nullable().default(null),
  properties: z
    .strictObject(
      Object.fromEntries(Object.entries(CAMPAIGN_PROPERTIES).map(([name, type]) => [name, campaignProperty[type].optional()])) as {
        [K in keyof typeof CAMPAIGN_PROPERTIES]: z.ZodOptional<(typeof campaignProperty)[(typeof CAMPAIGN_PROPERTIES)[K]]>;
      },
    )
    .default({})
    .describe('the other documented campaign properties (subject, fromEmail, htmlMessagePath, ...)'),
});

const tenant = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/),
    name: z.string(),
    apps: z
      .array(z.strictObject({ id: z.string().min(1), label: labelSchema, name: z.string(), url: z.string().nullable().default(null) }))
      .default([]),
    credentials: z
      .strictObject({
        engagement: z
          .array(z.strictObject({ key: z.string().min(16), publisher: z.string(), rateLimit: rateLimit.optional() }))
          .default([]),
        netux: z
          .array(
            z.strictObject({
              token: z.string().min(16),
              scopes: z.array(z.enum(['read', 'write', 'bulk'])).min(1),
              rateLimit: rateLimit.optional(),
            }),
          )
          .default([]),
        apidae: z
          .array(
            z.strictObject({
              projetId: z.int().positive(),
              apiKey: z.string().regex(/^[A-Za-z0-9]{8,20}$/, 'must be 8 to 20 letters or digits (what Apidae clients accept)'),
              access: z.enum(['full', 'limited']),
              rateLimit: rateLimit.optional(),
            }),
          )
          .default([]),
        responsys: z
          .array(z.strictObject({ userName: z.string().min(1), password: z.string().min(8), rateLimit: rateLimit.optional() }))
          .default([]),
      })
      .default({ engagement: [], netux: [], apidae: [], responsys: [] }),
    publishers: z.array(publisher).default([]),
    organizations: z.array(organization).default([]),
    engagementMappings: z
      .array(
        z.strictObject({
          publisher: z.string(),
          clientId: z.string().min(1).max(200),
          organization: z.string().describe('string id of the directory organization'),
          publisherIds: z.array(z.string()).describe('allow-list: partners that broadcast this organization'),
        }),
      )
      .default([]),
    engagementClicks: z
      .array(
        z.strictObject({
          organization: z.string().describe('string id of the directory organization'),
          publisher: z.string().describe('id of the partner (a publisher) the clicks came from'),
          clicks: z.int().nonnegative().describe('30-day click count (Engagement `clicks`)'),
        }),
      )
      .default([]),
    programs: z.array(program).default([]),
    campaigns: z.array(campaign).default([]),
  })
  .superRefine((t, ctx) => {
    const unique = (values: (string | number)[], path: (i: number) => (string | number)[], what: string) => {
      const seen = new Set<string | number>();
      values.forEach((value, i) => {
        if (seen.has(value)) ctx.addIssue({ code: 'custom', path: path(i), message: `duplicate ${what} ${value}` });
        seen.add(value);
      });
    };
    const orgIds = new Set(t.organizations.map((o) => o.id));
    const intIds = new Set(t.organizations.map((o) => o.intId));
    const appIds = new Set(t.apps.map((a) => a.id));
    const publisherIds = new Set(t.publishers.map((p) => p.id));
    const missing = (ok: boolean, path: (string | number)[], message: string) => {
      if (!ok) ctx.addIssue({ code: 'custom', path, message });
    };
    unique(
      t.organizations.map((o) => o.id),
      (i) => ['organizations', i, 'id'],
      'organization id',
    );
    unique(
      t.organizations.map((o) => o.intId),
      (i) => ['organizations', i, 'intId'],
      'integer id',
    );
    unique(
      t.organizations.map((o) => o.label),
      (i) => ['organizations', i, 'label'],
      'label',
    );
    unique(
      t.publishers.map((p) => p.id),
      (i) => ['publishers', i, 'id'],
      'publisher id',
    );
    t.organizations.forEach((o, i) => {
      if (o.parent !== null)
        missing(orgIds.has(o.parent) && o.parent !== o.id, ['organizations', i, 'parent'], `unknown parent organization ${o.parent}`);
      if (o.app !== null) missing(appIds.has(o.app), ['organizations', i, 'app'], `unknown app ${o.app}`);
      const sponsor = o.member?.sponsor;
      if (sponsor != null) missing(intIds.has(sponsor), ['organizations', i, 'member', 'sponsor'], `unknown sponsor member ${sponsor}`);
    });
    // A user is one account (the utilisateur services find it by id): at most one member holds an id.
    const userIds = new Set<number>();
    t.organizations.forEach((o, i) =>
      o.member?.users.forEach((u, j) => {
        if (userIds.has(u.id))
          ctx.addIssue({ code: 'custom', path: ['organizations', i, 'member', 'users', j, 'id'], message: `duplicate user id ${u.id}` });
        userIds.add(u.id);
      }),
    );
    t.publishers.forEach((p, i) =>
      p.diffuseurs.forEach((d, j) => missing(publisherIds.has(d), ['publishers', i, 'diffuseurs', j], `unknown publisher ${d}`)),
    );
    t.credentials.engagement.forEach((c, i) =>
      missing(publisherIds.has(c.publisher), ['credentials', 'engagement', i, 'publisher'], `unknown publisher ${c.publisher}`),
    );
    t.engagementMappings.forEach((m, i) => {
      missing(publisherIds.has(m.publisher), ['engagementMappings', i, 'publisher'], `unknown publisher ${m.publisher}`);
      missing(orgIds.has(m.organization), ['engagementMappings', i, 'organization'], `unknown organization ${m.organization}`);
    });
    t.engagementClicks.forEach((c, i) => {
      missing(orgIds.has(c.organization), ['engagementClicks', i, 'organization'], `unknown organization ${c.organization}`);
      missing(publisherIds.has(c.publisher), ['engagementClicks', i, 'publisher'], `unknown publisher ${c.publisher}`);
    });
    for (const kind of ['programs', 'campaigns'] as const) {
      t[kind].forEach((p, i) =>
        p.organizations.forEach((o, j) => missing(orgIds.has(o), [kind, i, 'organizations', j], `unknown organization ${o}`)),
      );
    }
    // A parent chain must end at a root.
    const parentOf = new Map(t.organizations.map((o) => [o.id, o.parent]));
    t.organizations.forEach((o, i) => {
      const seen = new Set<string>([o.id]);
      for (let at = o.parent; at; at = parentOf.get(at) ?? null) {
        if (seen.has(at)) {
          ctx.addIssue({ code: 'custom', path: ['organizations', i, 'parent'], message: 'parent chain forms a cycle' });
          break;
        }
        seen.add(at);
      }
    });
  });

export const seedFileSchema = z.strictObject({
  tenants: z.array(tenant).min(1),
});

export type SeedFile = z.output<typeof seedFileSchema>;
export type SeedTenant = SeedFile['tenants'][number];

/** Parses a seed file; the error lists each bad field by its path (e.g. `tenants.0.organizations.3.parent`). */
export function parseSeedFile(data: unknown): SeedFile {
  const result = seedFileSchema.safeParse(data);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  throw new SeedFileError(`Invalid seed file:\n${lines.join('\n')}`);
}

export class SeedFileError extends Error {
  override name = 'SeedFileError';
}

/** The parts of a tenant, one schema each: the JSON Lines form validates one record per line with these (lines.ts). */
export const seedPartSchemas = {
  tenant: z.strictObject({ id: tenant.shape.id, name: tenant.shape.name }),
  app: tenant.shape.apps.unwrap().element,
  credentials: tenant.shape.credentials.unwrap(),
  publisher,
  organization,
  engagementMapping: tenant.shape.engagementMappings.unwrap().element,
  engagementClick: tenant.shape.engagementClicks.unwrap().element,
  program,
  campaign,
};
