/** Names of the scale section: apart from bench/scale.ts, which needs the data layer configured before it loads. */

/** Organizations of the default run's large tenant (a ~25 min bench on this machine). */
export const DEFAULT_SCALE_ORGANIZATIONS = 5000;

/**
 * The default size writes "## Scale" and the `scale` entry of results.json; another size its own section and
 * entry, so a long run at 100,000 organizations stands beside the default one instead of replacing it.
 */
export function scaleSectionName(organizations: number): { heading: string; key: string } {
  return organizations === DEFAULT_SCALE_ORGANIZATIONS
    ? { heading: '## Scale', key: 'scale' }
    : { heading: `## Scale at ${organizations} organizations`, key: `scale${organizations}` };
}
