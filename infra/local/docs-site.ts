/**
 * The local server's documentation: `/openapi/<dialect>.json` (the committed documents that
 * `npm run openapi` generates; a test fails when they are stale) and `/docs`, Swagger UI from the swagger-ui-dist package (no CDN)
 * with the four dialects in its selector and "Try it out" against this server.
 */
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import { dirname, resolve } from 'node:path';

import { type DialectName, repoRoot } from '#functions/routes.ts';
import { basePaths } from '#shared/base-paths.ts';

const dialectNames = Object.keys(basePaths) as DialectName[];

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'application/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'application/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
};
const TITLES: Record<DialectName, string> = {
  engagement: `Engagement (${basePaths.engagement})`,
  netux: `Netux (${basePaths.netux})`,
  apidae: `Apidae (${basePaths.apidae})`,
  responsys: `Responsys (${basePaths.responsys})`,
};

const page = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Orgbridge API</title>
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
  <link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script src="/docs/init.js"></script>
</body>
</html>
`;

const init = `window.ui = SwaggerUIBundle({
  urls: ${JSON.stringify(dialectNames.map((name) => ({ url: `/openapi/${name}.json`, name: TITLES[name] })))},
  dom_id: '#swagger-ui',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
  layout: 'StandaloneLayout',
  persistAuthorization: true,
});
`;

export function docsSite(): (req: IncomingMessage, res: ServerResponse) => Promise<boolean> {
  return async (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = new URL(req.url ?? '/', 'http://local').pathname;
    const reply = (type: string, body: string | Buffer) => {
      res.writeHead(200, { 'content-type': type, 'cache-control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : body);
      return true;
    };
    const openapi = /^\/openapi\/([a-z]+)\.json$/.exec(path);
    if (openapi && (dialectNames as string[]).includes(openapi[1]!)) {
      return reply('application/json; charset=utf-8', await readFile(resolve(repoRoot, `docs/openapi/${openapi[1]}.json`)));
    }
    if (path === '/docs' || path === '/docs/') return reply('text/html; charset=utf-8', page);
    if (path === '/docs/init.js') return reply('application/javascript; charset=utf-8', init);
    const asset = path.startsWith('/docs/') ? path.slice('/docs/'.length) : undefined;
    if (asset && ASSETS[asset]) return reply(ASSETS[asset], await readFile(resolve(swaggerUiDir, asset)));
    return false;
  };
}
