/** Engagement (`/v0`): which publishing partners may broadcast an organization's missions. */
import * as z from 'zod/mini';

import { engagement } from '#shared/dialects/engagement/dialect.ts';
import type { DialectDoc } from '#tools/openapi/document.ts';

const publisher = z.object({
  _id: z.string(),
  name: z.string(),
  category: z.nullable(z.string()),
  url: z.nullable(z.string()),
  logo: z.nullable(z.string()),
  description: z.nullable(z.string()),
  widget: z.boolean(),
  api: z.boolean(),
  campaign: z.boolean(),
  annonceur: z.boolean(),
});

const partnerOne = {
  _id: 'partenaire_id_1',
  name: 'Mon partenaire diffuseur 1',
  category: 'OTHER',
  url: 'https://www.partenaire1.fr',
  logo: 'https://api-engagement-bucket.s3.fr-par.scw.cloud/publishers/partenaire_id_1/logo',
  description: 'La description de mon partenaire',
  widget: false,
  api: true,
  campaign: true,
  annonceur: true,
};
const partnerThree = {
  ...partnerOne,
  _id: 'partenaire_id_3',
  name: 'Mon partenaire diffuseur 3',
  category: 'TERRITORIAL_COLLECTIVITIES',
  annonceur: false,
  logo: 'https://api-engagement-bucket.s3.fr-par.scw.cloud/publishers/partenaire_id_3/logo',
};
const partnerTwo = {
  ...partnerOne,
  _id: 'partenaire_id_2',
  name: 'Mon partenaire diffuseur 2',
  category: 'PUBLICS_SERVICES',
  widget: true,
  api: false,
  logo: 'https://api-engagement-bucket.s3.fr-par.scw.cloud/publishers/partenaire_id_2/logo',
};

const partnerSettingsExample = {
  ok: true,
  data: [
    { ...partnerOne, excluded: false },
    { ...partnerTwo, excluded: true },
    { ...partnerThree, excluded: false },
  ],
  total: 3,
};

/** GET answers each partner's 30-day clicks too (the demo seed's counts). */
const partnerClicksExample = {
  ...partnerSettingsExample,
  data: partnerSettingsExample.data.map((partner, i) => ({ ...partner, clicks: [42, 0, 7][i] })),
};

const partnerSetting = z.extend(publisher, { excluded: z.boolean() });

const doc: DialectDoc = {
  dialect: engagement,
  title: 'Orgbridge — Engagement API (v0)',
  description:
    "Wire-compatible with the Engagement API: a publisher (the caller, identified by its API key) chooses which of its partner publishers (diffuseurs) may broadcast each organization's missions. `organizationClientId` is the organization's id in the caller's own system.",
  tags: [
    { name: 'Organizations', description: 'Partner settings per organization, and organization search.' },
    { name: 'Publishers', description: "The caller's partner publishers." },
  ],
  tagOf: (route) => (route.path.includes('publisher') ? 'Publishers' : 'Organizations'),
  securitySchemes: {
    apiKey: {
      type: 'apiKey',
      in: 'header',
      name: 'x-api-key',
      description: "The publisher's API key (`apikey` is accepted too). Demo: `demo-engagement-key-0001`.",
    },
  },
  security: [{ apiKey: [] }],
  schemas: {
    Publisher: publisher,
    Publishers: z.object({ ok: z.literal(true), data: z.array(publisher), total: z.int() }),
    PartnerSettings: z.object({ ok: z.literal(true), data: z.array(partnerSetting), total: z.int() }),
    PartnerSettingsWithClicks: z.object({
      ok: z.literal(true),
      data: z.array(
        z.extend(partnerSetting, {
          clicks: z.int().check(
            z.minimum(0),
            z.meta({
              description:
                'The 30-day click count of this organization from this partner, as loaded by the seed file or the admin CLI (`clicks set`); 0 when none is known.',
            }),
          ),
        }),
      ),
      total: z.int(),
    }),
  },
  error: { mediaType: 'application/json', schema: z.object({ ok: z.literal(false), code: z.string(), message: z.unknown() }) },
  operations: {
    EngagementPutMyOrganization: {
      summary: "Modifier les partenaires diffuseurs d'une organisation",
      description:
        "Replaces the set of partners that broadcast this organization's missions: listed partners broadcast, every other partner is excluded. The first PUT for an unknown `organizationClientId` creates the organization (named `organizationName`, else the client id). Idempotent.",
      example: {
        params: { organizationClientId: 'mon_organisation_id_1' },
        body: { publisherIds: ['partenaire_id_1', 'partenaire_id_3'], organizationName: 'Mon organisation 1' },
      },
      responses: {
        200: {
          description: "The caller's partners, each with whether it is now excluded.",
          schema: 'PartnerSettings',
          example: partnerSettingsExample,
        },
      },
    },
    EngagementGetMyOrganization: {
      summary: "Lire les partenaires diffuseurs d'une organisation",
      example: { params: { organizationClientId: 'mon_organisation_id_1' } },
      responses: {
        200: {
          description: "The caller's partners, each with whether it is excluded for this organization and its 30-day clicks.",
          schema: 'PartnerSettingsWithClicks',
          example: partnerClicksExample,
        },
      },
    },
    EngagementListPublishers: {
      summary: 'Lister mes partenaires diffuseurs',
      responses: {
        200: {
          description: "Every publisher that broadcasts the caller's missions, by name.",
          schema: 'Publishers',
          example: { ok: true, data: [partnerOne, partnerTwo, partnerThree], total: 3 },
        },
      },
    },
    EngagementGetPublisher: {
      summary: 'Lire un partenaire diffuseur',
      example: { params: { id: 'partenaire_id_1' } },
      responses: {
        200: {
          description: 'One of the caller\'s partners; any other id is a 404 "Publisher not found".',
          schema: z.object({ ok: z.literal(true), data: publisher }),
          example: { ok: true, data: partnerOne },
        },
      },
    },
    EngagementSearchOrganizations: {
      summary: 'Rechercher des organisations',
      description:
        'Full-text `q` over names and labels, or exact `rna` / `siret`; paged with `limit` (at most 100) and `skip`. `status` is the legal form from the organization\'s `properties.status` (e.g. "Association loi 1901"), else null; the vendor record\'s other fields (`siren`, `sirets`, `names`, `shortTitle`, `address…`, `management…`, …) are answered from the properties of those names when present.',
      example: { query: { q: 'usa' } },
      responses: {
        200: {
          description: 'A page of organizations and the total count.',
          schema: z.object({
            ok: z.literal(true),
            data: z.array(
              z.looseObject({
                _id: z.string(),
                title: z.string(),
                rna: z.nullable(z.string()),
                siret: z.nullable(z.string()),
                status: z.nullable(z.string()),
              }),
            ),
            total: z.int(),
          }),
          example: {
            ok: true,
            data: [{ _id: '0000000000000000000007', title: 'USA', rna: 'W751000001', siret: '12345678900011', status: null }],
            total: 1,
          },
        },
      },
    },
  },
};

export default doc;
