/**
 * /api/openapi.json and Swagger UI at /api/docs (alias /api/v2/docs), served from the local
 * swagger-ui-dist files: no CDN, works with no network. The page has no inline script (the CSP
 * in server/http/security.ts forbids it); the initializer is a small file served here, and the
 * online validator badge is off (it would call validator.swagger.io).
 *
 * Needs no database: mount it as (part of) `routers.public`.
 */
import express, { type Router } from 'express';
// Only the path helper: the package's main entry would load the whole Swagger UI browser bundle
// into the server (about 38 MB of resident memory) just to tell where its files are.
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path.js';
import { buildOpenApiDocument, type OpenApiOptions } from './openapi.js';

export { buildOpenApiDocument } from './openapi.js';

export type DocsRouterDeps = OpenApiOptions;

const SWAGGER_FILES = new Set([
  'swagger-ui.css', 'index.css', 'swagger-ui-bundle.js', 'swagger-ui-standalone-preset.js', 'favicon-16x16.png', 'favicon-32x32.png',
]);

const PAGE = `<!DOCTYPE html>
<html lang="en">
  <head>
    <meta charset="UTF-8">
    <title>Integram Appliance API</title>
    <link rel="stylesheet" type="text/css" href="swagger-ui.css">
    <link rel="stylesheet" type="text/css" href="index.css">
    <link rel="icon" type="image/png" href="favicon-32x32.png" sizes="32x32">
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="swagger-ui-bundle.js" charset="UTF-8"></script>
    <script src="swagger-ui-standalone-preset.js" charset="UTF-8"></script>
    <script src="swagger-initializer.js" charset="UTF-8"></script>
  </body>
</html>
`;

const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    layout: 'StandaloneLayout',
    persistAuthorization: true,
    tryItOutEnabled: false
  });
});
`;

export function createDocsRouter(deps: DocsRouterDeps = {}): Router {
  const router = express.Router();
  const distDir = getAbsoluteFSPath();
  let cached: string | null = null;
  const documentText = (): string => (cached ??= JSON.stringify(buildOpenApiDocument(deps)));

  router.get('/api/openapi.json', (_req, res) => {
    res.type('application/json').set('Cache-Control', 'no-cache').send(documentText());
  });

  for (const base of ['/api/docs', '/api/v2/docs']) {
    const ui = express.Router({ strict: true });
    ui.get('/', (req, res, next) => {
      // relative asset URLs need the trailing slash
      if (!req.originalUrl.split('?')[0].endsWith('/')) return res.redirect(301, `${base}/`);
      if (req.path !== '/') return next();
      res.type('html').set('Cache-Control', 'no-cache').send(PAGE);
    });
    ui.get('/swagger-initializer.js', (_req, res) => {
      res.type('application/javascript').set('Cache-Control', 'no-cache').send(INITIALIZER);
    });
    ui.get('/:file', (req, res, next) => {
      const file = String(req.params.file);
      if (!SWAGGER_FILES.has(file)) return next();
      res.sendFile(file, { root: distDir, maxAge: '1d' });
    });
    router.use(base, ui);
  }
  return router;
}
