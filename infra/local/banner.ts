/**
 * What `npm start` prints once it serves: the base URL of each dialect and the docs, then the credentials
 * of the seed it loaded, exactly those the seed holds (its secrets are given in plaintext; the table keeps
 * only hashes, so data kept from an earlier run has none to show).
 */
import type { SeedCredentials } from '#shared/seed/stream.ts';

export interface BannerOptions {
  url: string;
  dynamodbEndpoint: string;
  tableName: string;
  /** The seed loaded by this run, and what to call it; absent when the kept data was used as it was. */
  seed?: { name: string; credentials: SeedCredentials[] };
}

/** At most this many credentials of one kind per tenant are printed (a big seed says how many it left out). */
const SHOWN_PER_KIND = 3;

const listed = (label: string, lines: string[]): string[] => {
  const shown = lines.slice(0, SHOWN_PER_KIND);
  if (lines.length > shown.length) shown.push(`… and ${lines.length - shown.length} more`);
  return shown.map((line, i) => `  ${(i === 0 ? label : '').padEnd(12)}${line}`);
};

/** The credential lines of one tenant of a seed (plaintext, as the seed gives them). */
function tenantCredentials(tenant: SeedCredentials): string[] {
  const { engagement, netux, apidae, responsys } = tenant.credentials;
  return [
    ...listed(
      'Engagement',
      engagement.map((c) => `x-api-key: ${c.key} (publisher ${c.publisher})`),
    ),
    ...listed(
      'Netux',
      netux.map((c) => `X-Auth-Token: ${c.token} (${c.scopes.join(', ')})`),
    ),
    ...listed(
      'Apidae',
      apidae.map((c) => `projetId ${c.projetId}, apiKey ${c.apiKey} (${c.access} read)`),
    ),
    ...listed(
      'Responsys',
      responsys.map((c) => `user_name ${c.userName}, password ${c.password}`),
    ),
  ];
}

export function banner({ url, dynamodbEndpoint, tableName, seed }: BannerOptions): string {
  const lines = [
    `Orgbridge is running on ${url} (DynamoDB Local at ${dynamodbEndpoint}, table ${tableName})`,
    seed ? `Loaded ${seed.name}.` : `Using the data already in table ${tableName} (no seed loaded).`,
    '',
    `  Engagement  ${url}/v0`,
    `  Netux       ${url}/api/v2.0`,
    `  Apidae      ${url}/api/v002`,
    `  Responsys   ${url}/rest/api/v1.3`,
    `  Docs        ${url}/docs               OpenAPI: ${url}/openapi/<engagement|netux|apidae|responsys>.json`,
    '',
  ];
  if (!seed) {
    lines.push(
      'Credentials: those of the seed that loaded this data (the table keeps only their hashes).',
      'npm start -- --seed seeds/demo.json loads the demo seed again and prints its credentials.',
      '',
    );
  } else {
    const tenants = seed.credentials.map((tenant) => ({ tenant, credentials: tenantCredentials(tenant) }));
    const withCredentials = tenants.filter((t) => t.credentials.length > 0);
    if (withCredentials.length === 0) {
      lines.push(`${seed.name} holds no credentials: create some with npm run admin -- credentials create --local …`, '');
    }
    for (const { tenant, credentials } of withCredentials) {
      lines.push(`Credentials of tenant ${tenant.id} (${tenant.name}), from ${seed.name}:`, ...credentials, '');
    }
    const token = seed.credentials.flatMap((tenant) => tenant.credentials.netux).find((c) => c.scopes.includes('read'))?.token;
    if (token) lines.push(`  curl -H 'X-Auth-Token: ${token}' ${url}/api/v2.0/organizations/`, '');
  }
  lines.push('Ctrl-C to stop.');
  return lines.join('\n');
}
