// The OpenAPI document served by the running binary, checked by an OpenAPI 3.1 validator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startServer } from './lib/docket.js';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.cleanup(); });

async function fetchDocument() {
  const res = await fetch(`${server.baseUrl}/api/openapi.json`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^application\/json/);
  return res.json();
}

test('the document is a valid OpenAPI 3.1 description', async () => {
  const doc = await fetchDocument();
  assert.equal(doc.openapi, '3.1.0');
  assert.equal(doc.success, undefined, 'the document is not wrapped in the success envelope');
  const validator = new Validator();
  const result = await validator.validate(doc);
  assert.ok(result.valid, `OpenAPI validation failed:\n${JSON.stringify(result.errors, null, 2)}`);
  assert.equal(validator.version, '3.1');
});

test('the operations routes and the document itself are described', async () => {
  const { paths } = await fetchDocument();
  for (const path of ['/api/support/health', '/healthz', '/readyz', '/metrics', '/api/openapi.json']) {
    assert.ok(paths[path]?.get, `GET ${path} is missing`);
  }
  assert.ok(paths['/metrics'].get.responses['200'].content['text/plain']);
  assert.deepEqual(paths['/healthz'].get.security, []);
});

test('operationIds are unique', async () => {
  const { paths } = await fetchDocument();
  const ids = Object.values(paths).flatMap((item) => Object.values(item).map((op) => op.operationId));
  assert.equal(new Set(ids).size, ids.length);
});

test('the document is the same on every request', async () => {
  const first = await (await fetch(`${server.baseUrl}/api/openapi.json`)).text();
  const second = await (await fetch(`${server.baseUrl}/api/openapi.json`)).text();
  assert.equal(first, second);
});
