/** Netux (`/api/v2.0`): organizations CRUD and asynchronous bulk tasks. */
import * as z from 'zod/mini';

import { netux } from '#shared/dialects/netux/dialect.ts';
import { bulkItemSchemas } from '#shared/dialects/netux/schemas.ts';
import { organizationLimits } from '#shared/dialects/netux/views.ts';
import type { DialectDoc, ResponseDoc } from '#tools/openapi/document.ts';

const image = z.nullable(z.object({ h36: z.string(), h50: z.string(), raw: z.string() }));
const organization = z.object({
  id: z.string(),
  label: z.string(),
  name: z.string(),
  description: z.string(),
  createdAt: z.string(),
  updatedAt: z.string().check(z.meta({ description: 'When the organization was last written (ISO-8601 UTC).' })),
  isActive: z.boolean(),
  properties: z.record(z.string(), z.unknown()),
  app: z.nullable(z.object({ id: z.string(), label: z.string(), name: z.string(), url: z.nullable(z.string()) })),
  favicon: image,
  logo: image,
  devicesCount: z.int().check(z.meta({ description: 'Always 0: this product has no devices.' })),
  usersCount: z.int(),
  limits: z
    .array(
      z.object({
        actual_value: z.int(),
        icon: z.nullable(z.string()),
        max_value: z.string(),
        name: z.string(),
        type: z.enum(['devices', 'emails', 'variables', 'users', 'dots', 'sms', 'voice']),
      }),
    )
    .check(
      z.meta({
        description:
          'The organization-object page\'s limits, in its order: nothing is capped (`max_value` "*"); `users` counts the organization\'s users, the others are 0.',
      }),
    ),
  url: z.string(),
});

const usa = {
  id: '0000000000000000000007',
  label: 'usa',
  name: 'USA',
  description: 'United States',
  createdAt: '2024-01-01T00:00:00.000Z',
  updatedAt: '2024-01-01T00:00:00.000Z',
  isActive: true,
  properties: { rna: 'W751000001', siret: '12345678900011' },
  app: { id: '6a1f0c2d9e8b7a6f5e4d3c2b', label: 'field-app', name: 'Field App', url: 'https://apps.example.org/field' },
  favicon: null,
  logo: { h36: 'https://cdn.example.org/usa.png', h50: 'https://cdn.example.org/usa.png', raw: 'https://cdn.example.org/usa.png' },
  devicesCount: 0,
  usersCount: 2,
  limits: organizationLimits(2),
  url: 'http://localhost:3000/api/v2.0/organizations/0000000000000000000007/',
};

const one = (description: string, example: unknown = usa): ResponseDoc => ({ description, schema: 'Organization', example });
const accepted: ResponseDoc = {
  description: 'The task was stored and its execution started; follow it at `/api/v2.0/tasks/{taskId}/`.',
  schema: z.object({ task: z.object({ id: z.string() }) }),
  example: { task: { id: '6b039c49edecb7a15ed1' } },
};
const bulkHeaders = [
  {
    name: 'X-Bulk-Operation',
    in: 'header',
    required: true,
    schema: { type: 'string' },
    example: 'true',
    description: 'Required on every bulk request (any value).',
  },
  {
    name: 'Idempotency-Key',
    in: 'header',
    required: false,
    schema: { type: 'string', minLength: 1, maxLength: 255 },
    description:
      'Retrying with the same key, operation and body answers the same task instead of starting another (24 hours); the same key with another operation or body is refused (400001).',
  },
];

const doc: DialectDoc = {
  dialect: netux,
  title: 'Orgbridge — Netux API (v2.0)',
  description:
    'Wire-compatible with the Netux (Ubidots-style) v2.0 Organizations API: list, read, create, update and delete organizations, and asynchronous bulk create/update/delete tasks run by a Step Functions state machine. Paths are served with and without the trailing slash; `{key}` is an organization id or `~label`.',
  tags: [
    { name: 'Organizations', description: 'One organization at a time.' },
    { name: 'Bulk', description: 'Asynchronous bulk operations and their tasks.' },
  ],
  tagOf: (route) => (route.path.includes('bulk') || route.path.includes('tasks') ? 'Bulk' : 'Organizations'),
  securitySchemes: {
    authToken: {
      type: 'apiKey',
      in: 'header',
      name: 'X-Auth-Token',
      description: 'An API token. Demo: `oaXBo6ODhIjPsusNRPUGIK4d72bc73` (scopes read, write, bulk).',
    },
    tokenQuery: { type: 'apiKey', in: 'query', name: 'token', description: 'The same token as a query parameter.' },
  },
  security: [{ authToken: [] }, { tokenQuery: [] }],
  schemas: {
    Organization: organization,
    OrganizationPage: z.object({
      count: z.int(),
      next: z.nullable(z.string()),
      previous: z.nullable(z.string()),
      results: z.array(z.record(z.string(), z.unknown())),
    }),
    Task: z.object({
      id: z.string(),
      kind: z.enum(['bulk_create', 'bulk_update', 'bulk_full_update', 'bulk_delete']),
      status: z.enum(['PENDING', 'RUNNING', 'SUCCEEDED', 'PARTIALLY_SUCCEEDED', 'FAILED']),
      createdAt: z.string(),
      finishedAt: z.optional(z.nullable(z.string())),
      total: z.int(),
      succeeded: z.int(),
      failed: z.int(),
      pending: z.int(),
      failures: z.array(z.object({ index: z.int(), id: z.nullable(z.string()), code: z.int(), detail: z.unknown() })),
      created: z.optional(z.array(z.object({ index: z.int(), id: z.string() }))),
    }),
    TaskResultPage: z.object({
      count: z.int(),
      next: z.nullable(z.string()),
      previous: z.nullable(z.string()),
      results: z.array(
        z.object({
          index: z.int(),
          id: z.nullable(z.string()),
          status: z.enum(['succeeded', 'failed', 'pending']),
          code: z.nullable(z.int()),
          detail: z.unknown(),
        }),
      ),
    }),
  },
  error: {
    mediaType: 'application/json',
    schema: z.object({ code: z.optional(z.int()), message: z.optional(z.string()), detail: z.unknown() }),
  },
  operations: {
    NetuxListOrganizations: {
      summary: 'List organizations',
      description:
        'Filtered by the get-all page’s filters, ANDed (`search`: folded substring of label, name or description; exact `id`, `label`, `name`, `description`, `createdAt`, `app` key, and `properties`: a JSON object whose top-level entries must all equal the organization’s), sorted (`sort_by`) and paged (`page`, `page_size` up to 1000). `fields` keeps only the listed fields of each result. Every read follows the page or the matches of the most selective filter, not the tenant.',
      example: { query: { page_size: '2', sort_by: 'label' } },
      responses: {
        200: {
          description: 'One page of organizations.',
          schema: 'OrganizationPage',
          example: { count: 7, next: 'http://localhost:3000/api/v2.0/organizations/?page_size=1&page=2', previous: null, results: [usa] },
        },
      },
    },
    NetuxCreateOrganization: {
      summary: 'Create an organization',
      description:
        '`label` is unique in the tenant; without it, one is derived from `name` (accents dropped, lowercase, other characters `-`, then `-2`, `-3`… until unique); `name` defaults to the label. The body is JSON, or form fields (urlencoded or `multipart/form-data`, as the create page allows): `properties` as JSON text, images as URLs (an uploaded file is a 400001: no file store).',
      example: { body: { label: 'new-organization', name: 'New organization', description: 'Created from the docs page' } },
      errors: ['conflict'],
      responses: {
        201: one('The created organization.', {
          ...usa,
          id: '6b03a2f1c4d5e6f708192a3b',
          label: 'new-organization',
          name: 'New organization',
          description: 'Created from the docs page',
          properties: {},
          app: null,
          logo: null,
          usersCount: 0,
          limits: organizationLimits(0),
        }),
      },
    },
    NetuxGetOrganization: {
      summary: 'Retrieve an organization',
      example: { params: { key: '~usa' } },
      responses: { 200: one('The organization.') },
    },
    NetuxPatchOrganization: {
      summary: 'Update some fields of an organization',
      description: 'Only the fields sent change. JSON, or form fields as for create.',
      example: { params: { key: '~usa' }, body: { description: 'United States of America' } },
      errors: ['conflict'],
      responses: { 200: one('The organization after the update.', { ...usa, description: 'United States of America' }) },
    },
    NetuxPutOrganization: {
      summary: 'Replace an organization',
      description: 'Every field not sent returns to its default; `label` is required.',
      example: { params: { key: '~apac' }, body: { label: 'apac', name: 'Asia-Pacific' } },
      errors: ['conflict'],
      responses: {
        200: one('The organization after the update.', {
          ...usa,
          id: '00000000000000004000007',
          label: 'apac',
          name: 'Asia-Pacific',
          description: '',
          properties: {},
          app: null,
          logo: null,
          usersCount: 1,
          limits: organizationLimits(1),
        }),
      },
    },
    NetuxDeleteOrganization: {
      summary: 'Delete an organization',
      description:
        'Refused (400) while the organization has children; removes it from every Engagement mapping, sponsor link and program or campaign.',
      example: { params: { key: '~global' } },
      errors: ['conflict'],
      responses: { 204: { description: 'Deleted.' } },
    },
    NetuxBulkUpdate: {
      summary: 'Bulk: update fields of organizations',
      description:
        'Each item names an organization (`id`: an id or `~label`) and the fields to change. Every item is validated before the task is stored.',
      body: z.array(bulkItemSchemas.update),
      parameters: bulkHeaders,
      example: {
        headers: { 'X-Bulk-Operation': 'true' },
        body: [
          { id: '~usa', description: 'United States of America' },
          { id: '~organization-third', isActive: false },
        ],
      },
      responses: { 202: accepted },
    },
    NetuxBulkFullUpdate: {
      summary: 'Bulk: replace organizations',
      body: z.array(bulkItemSchemas.replace),
      parameters: bulkHeaders,
      example: {
        headers: { 'X-Bulk-Operation': 'true' },
        body: [{ id: '~organization-fourth', label: 'organization-fourth', name: 'Organization Four' }],
      },
      responses: { 202: accepted },
    },
    NetuxBulkCreate: {
      summary: 'Bulk: create organizations',
      body: z.array(bulkItemSchemas.create),
      parameters: bulkHeaders,
      example: { headers: { 'X-Bulk-Operation': 'true' }, body: [{ label: 'bulk-one', name: 'Bulk one' }, { label: 'bulk-two' }] },
      responses: { 202: accepted },
    },
    NetuxBulkDelete: {
      summary: 'Bulk: delete organizations',
      description: 'Items are ids, `~labels` or `{"id": …}` objects.',
      body: z.array(bulkItemSchemas.delete),
      parameters: bulkHeaders,
      example: { headers: { 'X-Bulk-Operation': 'true' }, body: ['~organization-fifth'] },
      responses: { 202: accepted },
    },
    NetuxBulkDeleteByDelete: {
      summary: 'Bulk: delete organizations (sent as DELETE)',
      description:
        "The same request as `POST …/_/bulk/delete/`, sent with `DELETE` as the vendor's devices and events bulk-delete examples do: the same validation, task and answer.",
      body: z.array(bulkItemSchemas.delete),
      parameters: bulkHeaders,
      example: { headers: { 'X-Bulk-Operation': 'true' }, body: ['~bulk-two'] },
      responses: { 202: accepted },
    },
    NetuxGetTask: {
      summary: 'Retrieve a bulk task (extension)',
      description:
        'Status, counts (`succeeded` applied, `failed` refused, `pending` the rest: exact at every moment, read from what is stored), per-item failures (by index in the request) and, for bulk create, the created ids. `PARTIALLY_SUCCEEDED`: every item was processed and some were refused; `FAILED` only when the system itself failed (the unapplied items stay `pending`; retrying the request with its `Idempotency-Key` resumes the task).',
      example: { params: { taskId: '6b039c49edecb7a15ed1' } },
      responses: {
        200: {
          description: 'The task report.',
          schema: 'Task',
          example: {
            id: '6b039c49edecb7a15ed1',
            kind: 'bulk_update',
            status: 'PARTIALLY_SUCCEEDED',
            createdAt: '2026-11-23T01:52:09.733Z',
            finishedAt: '2026-11-23T01:52:09.991Z',
            total: 2,
            succeeded: 1,
            failed: 1,
            pending: 0,
            failures: [{ index: 1, id: '~nope', code: 404001, detail: 'Not found.' }],
          },
        },
      },
    },
    NetuxGetTaskResults: {
      summary: "Page a bulk task's item outcomes (extension)",
      description:
        'Each item of the request in order, or only those of one `status`: its `index`, `id` (the key the request named; for bulk create the created id, null while not created), `status`, and for a failed item `code` and `detail` as in the task report. `page_size` up to 1000 (default 100); a page past the last is a 404001.',
      example: { params: { taskId: '6b039c49edecb7a15ed1' }, query: { status: 'failed' } },
      responses: {
        200: {
          description: 'One page of item outcomes.',
          schema: 'TaskResultPage',
          example: {
            count: 1,
            next: null,
            previous: null,
            results: [{ index: 1, id: '~nope', status: 'failed', code: 404001, detail: 'Not found.' }],
          },
        },
      },
    },
  },
};

export default doc;
