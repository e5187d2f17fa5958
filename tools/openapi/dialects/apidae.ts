/** Apidae (`/api/v002/membre`): member search with filters, response blocks and permission levels. */
import * as z from 'zod/mini';

import { apidae } from '#shared/dialects/apidae/dialect.ts';
import { searchQuerySchema } from '#shared/dialects/apidae/query.ts';
import { type DialectDoc, jsonSchema, type ResponseDoc } from '#tools/openapi/document.ts';

const named = z.object({ id: z.int(), nom: z.string() });
const member = z.object({
  id: z.int(),
  nom: z.string(),
  type: z.nullable(named),
  secteur: z.nullable(z.extend(named, { description: z.nullable(z.string()) })),
  urlLogo: z.nullable(z.string()),
  niveauDiffusion: z.nullable(z.string()),
  devise: z.nullable(z.string()),
  descriptifCommercial: z.nullable(z.string()),
  // Blocks, present when asked for in responseFields (and the project has full access).
  utilisateurs: z.optional(
    z.array(z.object({ id: z.int(), prenom: z.nullable(z.string()), nom: z.nullable(z.string()), eMail: z.nullable(z.string()) })),
  ),
  objetsGeres: z.optional(z.array(z.unknown())),
  projets: z.optional(
    z.array(z.object({ id: z.int(), nom: z.nullable(z.string()), type: z.nullable(z.string()), statut: z.nullable(z.string()) })),
  ),
  relations: z.optional(z.array(z.unknown())),
  traductions: z.optional(z.array(z.unknown())),
  communes: z.optional(z.array(z.object({ code: z.string(), codePostal: z.nullable(z.string()), nom: z.string() }))),
  tags: z.optional(z.array(z.unknown())),
});

const usa = {
  id: 7,
  nom: 'USA',
  type: { id: 1, nom: 'Contributeur Généraliste' },
  secteur: { id: 10, nom: 'Tourisme', description: 'Acteurs du tourisme' },
  urlLogo: 'https://cdn.example.org/usa.png',
  niveauDiffusion: 'NATIONAL',
  devise: 'USD',
  descriptifCommercial: 'Head office',
  utilisateurs: [{ id: 101, prenom: 'Ada', nom: 'Lovelace', eMail: 'ada@example.org' }],
  projets: [{ id: 1234, nom: 'Site web', type: 'Site internet', statut: 'PRODUCTION' }],
  communes: [{ code: '69381', codePostal: '69001', nom: 'Lyon 1er' }],
};

const members = (description: string): ResponseDoc => ({
  description,
  schema: 'Membres',
  example: [usa],
  alternatives: {
    'application/javascript': {
      schema: { type: 'string', description: 'JSONP: `callback(<the JSON array>)`.' },
      example: 'cb([{"id":7,"nom":"USA"}])',
    },
  },
});

const searchExample = {
  projetId: 1234,
  apiKey: 'demoApidaeKey1',
  responseFields: ['UTILISATEURS', 'PROJETS', 'COMMUNES'],
  filter: { idParrain: 7 },
};
const searchQueryJson = jsonSchema(searchQuerySchema);

const doc: DialectDoc = {
  dialect: apidae,
  title: 'Orgbridge — Apidae API (v002, membres)',
  description:
    "Wire-compatible with Apidae's v002 member services. The project's credentials (`projetId`, `apiKey`) travel inside the `query` JSON (get-membres) or in the query string (get-by-id). Projects with limited access see only the base fields; blocks (`responseFields`) need full access. Errors are plain text, in French. A response never exceeds 5 MB: page with `first` and `count`.",
  tags: [{ name: 'Membres', description: 'Members of the directory.' }],
  tagOf: () => 'Membres',
  securitySchemes: {
    apiKey: {
      type: 'apiKey',
      in: 'query',
      name: 'apiKey',
      description: "The project's API key, with its `projetId` beside it. Demo: projetId `1234`, apiKey `demoApidaeKey1` (full access).",
    },
  },
  security: [{ apiKey: [] }],
  schemas: { Membre: member, Membres: z.array(member) },
  error: { mediaType: 'text/plain', schema: z.string() },
  operations: {
    ApidaeGetMembres: {
      summary: 'Recherche de membres (GET, JSONP)',
      description:
        'The whole request is the `query` parameter: URL-encoded JSON with the credentials, the filter, the blocks and the optional paging.',
      security: [],
      parameters: [
        {
          name: 'query',
          in: 'query',
          required: true,
          content: { 'application/json': { schema: searchQueryJson, example: searchExample } },
        },
      ],
      example: { query: { query: JSON.stringify(searchExample) } },
      responses: { 200: members('The members that match, as a JSON array.') },
    },
    ApidaePostMembres: {
      summary: 'Recherche de membres (POST, formulaire)',
      description: 'The same search as the GET, with `query` as a form field.',
      security: [],
      body: z.object({ query: z.string() }),
      bodyFormat: 'form',
      example: { body: { query: JSON.stringify(searchExample) } },
      responses: { 200: members('The members that match, as a JSON array.') },
    },
    ApidaeGetById: {
      summary: "Lecture d'un membre",
      description: '`responseFields` is a comma-separated list (or a JSON array) of blocks.',
      parameters: [{ name: 'projetId', in: 'query', required: true, schema: { type: 'integer' }, example: 1234 }],
      example: { params: { id: '7' }, query: { responseFields: 'UTILISATEURS,PROJETS,COMMUNES' } },
      responses: { 200: members('The member, in a one-element array.') },
    },
  },
};

export default doc;
