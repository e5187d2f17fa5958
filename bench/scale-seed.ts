/**
 * Generated seed files in the JSON Lines form (docs/seed-file.md), written as a stream: a tenant with
 * credentials, an app, a program and `count` organizations in a tree (10 roots, each organization
 * the parent of 10 others, parents before children), member data on every one. Used by the scale
 * bench and by the import tests; deterministic, so a test can compare the table with the file.
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

export const scaleOrgId = (tenant: string, i: number) =>
  `${Buffer.from(tenant).toString('hex').slice(0, 8).padEnd(8, '0')}${i.toString(16).padStart(14, '0')}`;

const CITIES = [
  { code: '69381', codePostal: '69001', nom: 'Lyon 1er' },
  { code: '75056', codePostal: '75001', nom: 'Paris' },
  { code: '13055', codePostal: '13001', nom: 'Marseille' },
  { code: '33063', codePostal: '33000', nom: 'Bordeaux' },
  { code: '31555', codePostal: '31000', nom: 'Toulouse' },
];
const WORDS = ['Tourisme', 'Sport', 'Culture', 'Patrimoine', 'Nature', 'Musique', 'Jeunesse', 'Montagne'];

export interface ScaleTenant {
  id: string;
  organizations: number;
  /** Netux token (read, write) of the tenant. */
  netuxToken: string;
  engagementKey: string;
  apidaeProjetId: number;
  apidaeKey: string;
  responsysUser: string;
  responsysPassword: string;
}

export function scaleTenant(id: string, organizations: number, n: number): ScaleTenant {
  return {
    id,
    organizations,
    netuxToken: `scale-netux-token-${id}-000000`,
    engagementKey: `scale-engagement-key-${id}-0000`,
    apidaeProjetId: 900_000 + n,
    apidaeKey: `scaleApidaeKey${String(n).padStart(4, '0')}`, // Apidae keys are 8 to 20 letters or digits
    responsysUser: `scale-user-${id}`,
    responsysPassword: `scale-password-${id}`,
  };
}

/** The i-th organization of the tenant, as a seed `organization` record. */
export function scaleOrganization(tenant: string, i: number) {
  const city = CITIES[i % CITIES.length]!;
  const word = WORDS[i % WORDS.length]!;
  return {
    id: scaleOrgId(tenant, i),
    intId: 1 + i,
    label: `org-${i}`,
    // The number before the word: " 5 " is in one name only, so a needle holding it has one match in any tenant.
    name: `Organisation ${i} ${word}`,
    description: `Une organisation de ${city.nom} (${word.toLowerCase()}), numéro ${i}.`,
    createdAt: new Date(Date.UTC(2020, 0, 1) + i * 60_000).toISOString(),
    isActive: i % 17 !== 0,
    properties: { rna: `W${String(100_000_000 + i)}`, siret: String(10_000_000_000_000 + i) },
    parent: i < 10 ? null : scaleOrgId(tenant, Math.floor(i / 10)),
    member: {
      type: { id: 1 + (i % 3), nom: ['Contributeur Généraliste', 'Office de tourisme', 'Partenaire'][i % 3]! },
      secteur: { id: 10 + (i % 5), nom: word, description: null },
      communes: [city],
      sponsor: i >= 10 && i % 7 === 0 ? 1 + (i % 10) : null,
      users: [{ id: 100_000 + i, prenom: 'Ada', nom: `Membre ${i}`, eMail: `m${i}@example.org`, active: true }],
      projects: i % 50 === 0 ? [{ id: 5000 + i, nom: `Site ${i}`, type: 'Site internet', statut: 'PRODUCTION' as const }] : [],
    },
  };
}

/** Header lines of a tenant: the tenant, its credentials, a publisher. */
function headerLines(t: ScaleTenant): unknown[] {
  return [
    { tenant: { id: t.id, name: `Scale ${t.id}` } },
    { publisher: { id: `pub-${t.id}`, name: `Publisher ${t.id}`, api: true, annonceur: true } },
    {
      credentials: {
        netux: [{ token: t.netuxToken, scopes: ['read', 'write'] }],
        engagement: [{ key: t.engagementKey, publisher: `pub-${t.id}` }],
        apidae: [{ projetId: t.apidaeProjetId, apiKey: t.apidaeKey, access: 'full' }],
        responsys: [{ userName: t.responsysUser, password: t.responsysPassword }],
      },
    },
  ];
}

/** The program of a tenant: three organizations with access. */
export const scaleProgram = (t: ScaleTenant) => ({
  id: 1,
  name: 'Scale',
  organizations: [1, 2, 3].map((i) => scaleOrgId(t.id, Math.min(i, t.organizations - 1))),
});

/** Writes the tenants into one JSON Lines file with backpressure (memory stays flat whatever the count). */
export async function writeScaleSeed(path: string, tenants: ScaleTenant[], options: { withProgram?: boolean } = {}): Promise<void> {
  const out = createWriteStream(path);
  const write = async (record: unknown) => {
    if (!out.write(`${JSON.stringify(record)}\n`)) await once(out, 'drain');
  };
  for (const t of tenants) {
    for (const line of headerLines(t)) await write(line);
    for (let i = 0; i < t.organizations; i++) await write({ organization: scaleOrganization(t.id, i) });
    if (options.withProgram ?? true) {
      await write({ program: scaleProgram(t) });
      await write({ engagementClick: { organization: scaleOrgId(t.id, 0), publisher: `pub-${t.id}`, clicks: 42 } });
    }
  }
  out.end();
  await once(out, 'finish');
}
