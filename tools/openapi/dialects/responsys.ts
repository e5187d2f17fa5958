/** Responsys (`/rest/api/v1.3`): the organization tree and which organizations may access a program or campaign. */
import * as z from 'zod/mini';

import { responsys } from '#shared/dialects/responsys/dialect.ts';
import { CAMPAIGN_PURPOSES, CAMPAIGN_STATUSES, CAMPAIGN_TYPES, PROGRAM_STATUSES } from '#shared/domain/directory.ts';
import type { DialectDoc, ResponseDoc } from '#tools/openapi/document.ts';

interface Node {
  id: number;
  name: string;
  lineage: string;
  children?: Node[];
}
const node: z.ZodMiniType<Node> = z.object({
  id: z.int(),
  name: z.string(),
  lineage: z.string(),
  get children() {
    return z.optional(z.array(node));
  },
});
const assigned = z.object({ id: z.int(), name: z.string(), lineage: z.string() });
const attributes = <T extends z.ZodMiniType>(value: T) =>
  z.object({ attributes: z.object({ organizations: z.object({ attributeValues: z.array(value) }) }) });

const welcomeAccess = { attributes: { organizations: { attributeValues: [{ id: 7, name: 'USA', lineage: '7:' }] } } };
const access = (what: string): ResponseDoc => ({
  description: `The organizations that can access the ${what}.`,
  schema: 'AssignedOrganizations',
  example: welcomeAccess,
});
const link = z.object({ rel: z.string(), href: z.string(), method: z.string() });
const programFields = {
  id: z.int(),
  name: z.string(),
  folderName: z.string(),
  channels: z.array(z.string()),
  createdOn: z.string().check(z.describe('dd/MM/yyyy, as Responsys writes it')),
  createdBy: z.string(),
  modifiedOn: z.string().check(z.describe('dd/MM/yyyy')),
  modifiedBy: z.string(),
  status: z.enum(PROGRAM_STATUSES),
  publishDate: z.optional(z.string()),
  unpublishDate: z.optional(z.string().check(z.describe('not shown for a running program'))),
};
const program = z.object({ ...programFields, listName: z.nullable(z.string()) });
const programDetail = z.object({
  ...programFields,
  list: z.nullable(z.object({ id: z.nullable(z.int()), name: z.string() })),
  links: z.array(link),
});
const campaign = z.looseObject({
  id: z.int(),
  name: z.string(),
  type: z.enum(CAMPAIGN_TYPES),
  folderName: z.string(),
  description: z.optional(z.string()),
  listName: z.optional(z.string()),
  purpose: z.optional(z.enum(CAMPAIGN_PURPOSES)),
  campaignStatus: z.enum(CAMPAIGN_STATUSES),
  links: z.array(link),
});
const welcome = {
  id: 1,
  name: 'Welcome',
  folderName: 'Lifecycle',
  listName: 'CONTACTS_LIST',
  channels: ['EMAIL'],
  createdOn: '13/05/2020',
  createdBy: 'demo-user',
  modifiedOn: '02/03/2024',
  modifiedBy: 'demo-user',
  status: 'RUNNING',
  publishDate: '02/03/2024',
};
const springSale = {
  id: 11,
  name: 'Spring Sale',
  type: 'EMAIL',
  folderName: 'Campaigns',
  description: 'Seasonal offers',
  listName: 'CONTACTS_LIST',
  purpose: 'PROMOTIONAL',
  campaignStatus: 'ACTIVE',
  subject: 'Spring is here',
  fromName: 'Orgbridge demo',
  fromEmail: 'news@example.org',
  useUTF8: true,
  links: [
    { rel: 'self', href: '/rest/api/v1.3/campaigns/Spring%20Sale', method: 'GET' },
    { rel: 'getAllCampaigns', href: '/rest/api/v1.3/campaigns', method: 'GET' },
  ],
};

const doc: DialectDoc = {
  dialect: responsys,
  title: 'Orgbridge — Responsys REST API (v1.3)',
  description:
    'Wire-compatible with the Oracle Responsys REST API v1.3 organization resources: log in with a password for a token (send it raw in `Authorization`), read the organization tree, and set which organizations can access a program or a campaign (by organization name).',
  tags: [
    { name: 'Authentication', description: 'Tokens.' },
    { name: 'Organizations', description: 'The organization tree and access attributes.' },
    { name: 'Programs', description: 'Programs (orchestrations), from the seed file or the admin CLI.' },
    { name: 'Campaigns', description: 'Campaigns, from the seed file or the admin CLI.' },
    { name: 'Rate limits', description: "The caller's limits." },
  ],
  tagOf: (route) =>
    route.path.endsWith('auth/token')
      ? 'Authentication'
      : route.path.includes('ratelimit')
        ? 'Rate limits'
        : route.path.startsWith('/rest/api/v1.3/programs')
          ? 'Programs'
          : route.path.startsWith('/rest/api/v1.3/campaigns')
            ? 'Campaigns'
            : 'Organizations',
  securitySchemes: {
    authToken: {
      type: 'apiKey',
      in: 'header',
      name: 'Authorization',
      description: 'The `authToken` from `POST /rest/api/v1.3/auth/token`, sent as is. Demo user: `demo-user` / `demo-password-1`.',
    },
  },
  security: [{ authToken: [] }],
  schemas: {
    OrganizationNode: node,
    OrganizationTree: attributes(node),
    AssignedOrganizations: attributes(assigned),
    ProgramDetail: programDetail,
    Campaign: campaign,
  },
  error: {
    mediaType: 'application/json',
    schema: z.object({
      type: z.string(),
      title: z.string(),
      errorCode: z.string(),
      detail: z.string(),
      errorDetails: z.array(z.unknown()),
    }),
  },
  operations: {
    ResponsysLogin: {
      summary: 'Log in with a user name and password (or refresh a token)',
      description:
        '`auth_type=password` with `user_name` and `password`; `auth_type=token` with the current token in `Authorization` issues a new one and revokes the old. Guessing is throttled: after 10 attempts for one user name in 5 minutes, or 50 failures from one client address in a minute, attempts get 429 `API_LIMIT_EXCEEDED` with `Retry-After`, the right password included, until the window has passed.',
      example: { body: { user_name: 'demo-user', password: 'demo-password-1', auth_type: 'password' } },
      errors: ['rate_limited'],
      responses: {
        200: {
          description: 'A token and the endpoint to call with it.',
          schema: z.object({ authToken: z.string(), issuedAt: z.int(), endPoint: z.string() }),
          example: { authToken: 'IebhnURRUQdaVXg9RpC5tkVraRfyvPW9KTJrul1qp9E', issuedAt: 1795398708698, endPoint: 'http://localhost:3000' },
        },
      },
    },
    ResponsysGetOrganizations: {
      summary: 'Get the organization tree',
      responses: {
        200: {
          description: 'Root organizations with their descendants; `lineage` is the path of ids from the root.',
          schema: 'OrganizationTree',
          example: {
            attributes: {
              organizations: {
                attributeValues: [
                  {
                    id: 7,
                    name: 'USA',
                    lineage: '7:',
                    children: [
                      { id: 4000007, name: 'APAC', lineage: '7:4000007:' },
                      { id: 12000007, name: 'Global', lineage: '7:12000007:' },
                    ],
                  },
                  { id: 20001, name: 'Organization Third', lineage: '20001:' },
                ],
              },
            },
          },
        },
      },
    },
    ResponsysSetProgramAccess: {
      summary: "Update a program's organizational access",
      description: 'Replaces the organizations that can access the program; each is named by its (unique) organization name.',
      example: { params: { programName: 'Welcome' }, body: { attributes: { organizations: { attributeValues: [{ name: 'USA' }] } } } },
      responses: { 200: access('program') },
    },
    ResponsysGetProgramAccess: {
      summary: "Get a program's organizational access",
      example: { params: { programName: 'Welcome' } },
      responses: { 200: access('program') },
    },
    ResponsysSetCampaignAccess: {
      summary: "Update a campaign's organizational access",
      example: { params: { campaignName: 'Spring Sale' }, body: { attributes: { organizations: { attributeValues: [{ name: 'USA' }] } } } },
      responses: { 200: access('campaign') },
    },
    ResponsysGetCampaignAccess: {
      summary: "Get a campaign's organizational access",
      example: { params: { campaignName: 'Spring Sale' } },
      responses: { 200: access('campaign') },
    },
    ResponsysListPrograms: {
      summary: 'Fetch all programs',
      description:
        'Programs in id order. `status` is a comma-separated list of states (`NOT_RUNNING`, `RUNNING`, `RUNNING_WITH_ERRORS`; case and spaces forgiven): only programs in one of them are listed. Reads follow the page (and, like an SQL OFFSET, the entries before it), never the access sets.',
      example: { query: { limit: '10', status: 'RUNNING,NOT_RUNNING' } },
      responses: {
        200: {
          description: 'A page of programs (`limit` at most 200).',
          schema: z.object({ programs: z.array(program) }),
          example: {
            programs: [
              welcome,
              {
                ...welcome,
                id: 2,
                name: 'Winback',
                channels: ['EMAIL', 'SMS'],
                status: 'NOT_RUNNING',
                publishDate: undefined,
                unpublishDate: '15/01/2024',
              },
            ],
          },
        },
      },
    },
    ResponsysGetProgram: {
      summary: 'Fetch a program by name',
      description: 'The name is matched exactly. `links` are paths under the API root: append them to the `endPoint` login answered.',
      example: { params: { programName: 'Welcome' } },
      responses: {
        200: {
          description: 'The program, its profile list and its links.',
          schema: 'ProgramDetail',
          example: {
            ...welcome,
            listName: undefined,
            list: { id: 86126161, name: 'CONTACTS_LIST' },
            links: [
              { rel: 'self', href: '/rest/api/v1.3/programs/Welcome', method: 'GET' },
              { rel: 'getAllPrograms', href: '/rest/api/v1.3/programs', method: 'GET' },
            ],
          },
        },
      },
    },
    ResponsysListCampaigns: {
      summary: 'Fetch all campaigns',
      description:
        'The campaigns of one `type` (`email`, the default, `push`, `sms`, `mms` or `pushiocampaign`, in any case), in id order. Each carries the properties configured for it (Oracle: "the campaign properties returned may vary") and its links; `links` gives this page and, when there are more, the `next` one (and `prev` after the first), as paths under the API root.',
      example: { query: { limit: '200', offset: '0', type: 'email' } },
      responses: {
        200: {
          description: 'A page of campaigns (`limit` at most 200).',
          schema: z.object({ campaigns: z.array(campaign), links: z.array(link) }),
          example: {
            campaigns: [springSale],
            links: [{ rel: 'self', href: '/rest/api/v1.3/campaigns?limit=200&offset=0&type=email', method: 'GET' }],
          },
        },
      },
    },
    ResponsysGetCampaign: {
      summary: 'Fetch a campaign',
      example: { params: { campaignName: 'Spring Sale' } },
      responses: { 200: { description: 'The campaign: as listed, with its links.', schema: 'Campaign', example: springSale } },
    },
    ResponsysGetRateLimits: {
      summary: 'Get the rate limits of the caller',
      responses: {
        200: {
          description: 'One entry per resource; all share one window per user.',
          schema: z.array(
            z.object({ limit: z.int(), api: z.string(), resource_path: z.string(), verb: z.string(), description: z.string() }),
          ),
          example: [
            {
              limit: 600,
              api: 'GetOrganizations',
              resource_path: '/rest/api/v1.3/attributes/organizations',
              verb: 'GET',
              description: '600 requests per 60 seconds, shared by every resource of this user',
            },
          ],
        },
      },
    },
  },
};

export default doc;
