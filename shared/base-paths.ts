/**
 * Each dialect's base path: the one definition the route table builds its paths from and that views
 * and the docs page build links and labels from.
 */
export const basePaths = {
  engagement: '/v0',
  netux: '/api/v2.0',
  apidae: '/api/v002',
  responsys: '/rest/api/v1.3',
} as const;
