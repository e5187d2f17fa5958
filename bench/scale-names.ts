/** Names of the scale section: apart from bench/scale.ts, which needs the data layer configured before it loads. */

/** Organizations of the default run's large tenant (the whole default bench took 20–22 min on an AMD EPYC × 2). */
export const DEFAULT_SCALE_ORGANIZATIONS = 5000;

/**
 * The default size writes "## Scale" and the `scale` entry of results.json; another size its own section and
 * entry, so a long run at 100,000 organizations stands beside the default one instead of replacing it; a run on a
 * deployed stage (BENCH_SCALE_API_URL) its own again, beside the local ones.
 */
export function scaleSectionName(organizations: number, onStage = false): { heading: string; key: string } {
  if (onStage) return { heading: `## Scale at ${organizations} organizations, on a deployed stage`, key: `scale${organizations}Stage` };
  return organizations === DEFAULT_SCALE_ORGANIZATIONS
    ? { heading: '## Scale', key: 'scale' }
    : { heading: `## Scale at ${organizations} organizations`, key: `scale${organizations}` };
}
