// The OpenAPI document served by the running binary, checked by an OpenAPI 3.1 validator.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { startServer } from './lib/docket.js';
import { checkResponse, checked } from './lib/contract.js';

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

test('every response the suite receives is checked against this document, and a mismatch fails', async () => {
  const before = checked.count;
  const health = await fetch(`${server.baseUrl}/healthz`);
  assert.equal(health.status, 200);
  assert.equal(checked.count, before + 1, 'the response was checked');

  const json = { 'content-type': 'application/json; charset=utf-8', 'x-request-id': 'r1' };
  const refused = async (path, status, body, headers = json, method = 'GET') => {
    const response = new Response(JSON.stringify(body), { status, headers });
    await assert.rejects(checkResponse(method, `${server.baseUrl}${path}`, response), undefined, `${method} ${path} ${status}`);
  };
  // A shape the document does not describe.
  await refused('/healthz', 200, { success: true, data: { status: 'fine' } });
  await refused('/api/support/health', 200, { success: true, data: { status: 'ok' } });
  // A status the operation does not document.
  await refused('/healthz', 418, { success: false, errorCode: 'TEAPOT', message: 'x', details: null, requestId: 'r1' });
  // The error contract.
  await refused('/api/auth/me', 401, { success: false, errorCode: 'UNAUTHORIZED', message: 'x' });
  // A list whose data is an object.
  await refused('/api/admin/feedback', 200, { success: true, data: {}, pagination: { page: 1, pageSize: 20, total: 0, pages: 0 } });
  // The wrong content type, and no request id.
  await refused('/healthz', 200, { success: true, data: { status: 'ok' } }, { 'content-type': 'text/plain', 'x-request-id': 'r' });
  await refused('/healthz', 200, { success: true, data: { status: 'ok' } }, { 'content-type': 'application/json' });
  // A matching answer passes.
  await checkResponse('GET', `${server.baseUrl}/healthz`, new Response(JSON.stringify({ success: true, data: { status: 'ok' } }), { status: 200, headers: json }));
});

test('every domain error code the server has is documented on the routes that answer it', async () => {
  const doc = await fetchDocument();
  const source = readFileSync(new URL('../../core/error_codes.h', import.meta.url), 'utf8');
  const codes = [...source.matchAll(/= "([A-Z_]+)";/g)].map((m) => m[1]);
  const generic = new Set(['VALIDATION_ERROR', 'UNAUTHORIZED', 'FORBIDDEN', 'NOT_FOUND',
    'METHOD_NOT_ALLOWED', 'CONFLICT', 'PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE',
    'RATE_LIMIT_EXCEEDED', 'INTERNAL_ERROR', 'SERVICE_UNAVAILABLE']);
  const documented = new Set();
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) {
      for (const response of Object.values(op.responses)) {
        for (const code of response['x-error-codes'] ?? []) documented.add(code);
      }
    }
  }
  const missing = codes.filter((c) => !generic.has(c) && !documented.has(c));
  assert.deepEqual(missing, [], 'domain error codes no route documents');
  for (const code of ['INVALID_CREDENTIALS', 'ACCOUNT_DEACTIVATED', 'EMAIL_ALREADY_REGISTERED',
    'ACCOUNT_STATE_CONFLICT', 'STAFF_NOT_FOUND', 'PROJECTION_NOT_FOUND', 'REBUILD_IN_PROGRESS']) {
    assert.ok(documented.has(code), code);
  }
  assert.equal(doc.info.license.name, 'Proprietary');
});
