/** Apidae (`/api/v002`): member search with filters, response blocks and permission levels; the users of members. */
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

const utilisateur = z.object({
  id: z.int(),
  firstName: z.string(),
  lastName: z.string(),
  contact: z.object({ eMail: z.nullable(z.string()) }),
  membre: z.object({ id: z.int(), nom: z.string(), type: z.nullable(named) }),
  permissions: z.array(z.string()),
});
const ada = {
  id: 101,
  firstName: 'Ada',
  lastName: 'Lovelace',
  contact: { eMail: 'ada@example.org' },
  membre: { id: 7, nom: 'USA', type: { id: 1, nom: 'Contributeur Généraliste' } },
  permissions: ['ADMIN_DEPARTEMENTAL'],
};
const projectCredentials = [{ name: 'projetId', in: 'query', required: true, schema: { type: 'integer' }, example: 1234 }];
const userStatusNote =
  '`userStatus` (`ACTIFS` by default, `INACTIFS`, `TOUS`) chooses which users are served, as it does for the UTILISATEURS block of the member services (**Decision**). Needs full read: a project with limited read gets 403 `Accès interdit`.';

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
    "Wire-compatible with Apidae's v002 member and user services. The project's credentials (`projetId`, `apiKey`: 1 to 20 letters or digits, the shape Apidae clients accept) travel inside the `query` JSON (get-membres) or in the query string (the other services). Projects with limited access see only the base fields of members; blocks (`responseFields`) and users need full access. Errors are plain text, in French. A response never exceeds 5 MB: page with `first` and `count`.",
  tags: [
    { name: 'Membres', description: 'Members of the directory.' },
    { name: 'Utilisateurs', description: 'The users stored with members.' },
  ],
  tagOf: (route) => (route.path.includes('/utilisateur/') ? 'Utilisateurs' : 'Membres'),
  securitySchemes: {
    apiKey: {
      type: 'apiKey',
      in: 'query',
      name: 'apiKey',
      description: "The project's API key, with its `projetId` beside it. Demo: projetId `1234`, apiKey `demoApidaeKey1` (full access).",
    },
  },
  security: [{ apiKey: [] }],
  schemas: { Membre: member, Membres: z.array(member), Utilisateur: utilisateur, Utilisateurs: z.array(utilisateur) },
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
      parameters: projectCredentials,
      example: { params: { id: '7' }, query: { responseFields: 'UTILISATEURS,PROJETS,COMMUNES' } },
      responses: { 200: members('The member, in a one-element array.') },
    },
    ApidaeGetUtilisateurById: {
      summary: "Lecture d'un utilisateur par son identifiant",
      description: `The user with this id, whichever member holds it (unknown: 404 plain text). ${userStatusNote}`,
      parameters: projectCredentials,
      errors: ['forbidden'],
      example: { params: { id: '101' } },
      responses: { 200: { description: 'The user (an object).', schema: 'Utilisateur', example: ada } },
    },
    ApidaeGetUtilisateurByMail: {
      summary: "Lecture d'un utilisateur par son adresse e-mail",
      description: `The user with this e-mail address, matched without regard to case. ${userStatusNote}`,
      parameters: projectCredentials,
      errors: ['forbidden'],
      example: { params: { eMail: 'ada@example.org' } },
      responses: { 200: { description: 'The user (an object).', schema: 'Utilisateur', example: ada } },
    },
    ApidaeGetUtilisateursByMembre: {
      summary: "Liste des utilisateurs d'un membre",
      description: `The users of the member with this integer id (an unknown member: 404 plain text; none: \`[]\`). ${userStatusNote}`,
      parameters: projectCredentials,
      errors: ['forbidden'],
      example: { params: { membreId: '7' } },
      responses: { 200: { description: "The member's users (an array).", schema: 'Utilisateurs', example: [ada] } },
    },
  },
};

export default doc;
