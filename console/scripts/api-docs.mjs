// Builds the API reference page: Swagger UI (from npm, no CDN) rendering the server's
// own /api/openapi.json. The page has no inline script, so the console's CSP holds.
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const ui = dirname(require.resolve('swagger-ui-dist/package.json'));
const out = join(dirname(new URL(import.meta.url).pathname), '..', 'dist');
mkdirSync(join(out, 'api-docs'), { recursive: true });
for (const f of ['swagger-ui-bundle.js', 'swagger-ui.css', 'LICENSE']) {
  copyFileSync(join(ui, f), join(out, 'api-docs', f));
}
writeFileSync(
  join(out, 'api-docs', 'init.js'),
  `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/api/openapi.json',
    dom_id: '#api',
    deepLinking: true,
    tryItOutEnabled: false,
    validatorUrl: null,
  });
});
`,
);
writeFileSync(
  join(out, 'api-docs.html'),
  `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Docket · API reference</title>
    <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
    <link rel="stylesheet" href="/api-docs/swagger-ui.css" />
  </head>
  <body>
    <main id="api" aria-label="API reference"></main>
    <script src="/api-docs/swagger-ui-bundle.js"></script>
    <script src="/api-docs/init.js"></script>
  </body>
</html>
`,
);
console.log('api-docs.html and api-docs/ written');
