/** GET /rest/api/ratelimit — the caller's limits, one entry per Responsys resource (all share one window). */
import { routes } from '#functions/routes.ts';
import { basePaths } from '#shared/base-paths.ts';
import { config } from '#shared/config.ts';
import { responsysEndpoint } from '#shared/dialects/responsys/dialect.ts';
import { json } from '#shared/http/types.ts';

export const handler = responsysEndpoint({
  async handle({ principal }) {
    const { limit, windowSeconds } = principal.credential.rateLimit ?? config.defaultRateLimit;
    return json(
      200,
      routes
        .filter((route) => route.dialect === 'responsys' && route.path !== `${basePaths.responsys}/auth/token`)
        .map((route) => ({
          limit,
          api: route.name.replace(/^Responsys/, ''),
          resource_path: route.path,
          verb: route.method,
          description: `${limit} requests per ${windowSeconds} seconds, shared by every resource of this user`,
        })),
    );
  },
});
