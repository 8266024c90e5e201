// Operations endpoints of the running binary, over real HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer } from './lib/docket.js';

let server;
before(async () => { server = await startServer(); });
after(async () => { await server?.cleanup(); });

test('liveness and readiness answer with the JSON envelope', async () => {
  const live = await fetch(`${server.baseUrl}/healthz`);
  assert.equal(live.status, 200);
  assert.deepEqual(await live.json(), { success: true, data: { status: 'ok' } });

  const ready = await fetch(`${server.baseUrl}/readyz`);
  assert.equal(ready.status, 200);
  const body = await ready.json();
  assert.equal(body.data.status, 'ready');
  assert.equal(body.data.head, 2, 'the permission catalogue and the default SLA policy');
});

test('health reports the log and every read model', async () => {
  const res = await fetch(`${server.baseUrl}/api/support/health`);
  assert.equal(res.status, 200);
  const { data } = await res.json();
  assert.equal(data.status, 'ok');
  assert.equal(data.log.logEpoch, server.ready.logEpoch);
  assert.ok(data.projections.some((p) => p.name === 'stream_catalog' && p.state === 'ready'));
});

test('metrics are Prometheus text with request and log series', async () => {
  await fetch(`${server.baseUrl}/healthz`);
  const res = await fetch(`${server.baseUrl}/metrics`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/plain; version=0\.0\.4/);
  const text = await res.text();
  assert.match(text, /docket_http_requests_total\{[^}]*route="\/healthz"[^}]*\} \d+/);
  assert.match(text, /docket_log_head_event_id 2\n/);
  assert.match(text, /docket_projection_lag_events\{projection="stream_catalog"\} 0/);
});

test('unknown routes and wrong methods use the error contract and carry X-Request-Id', async () => {
  const missing = await fetch(`${server.baseUrl}/api/nope`, { headers: { 'X-Request-Id': 'trace-123' } });
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get('x-request-id'), 'trace-123');
  const err = await missing.json();
  assert.equal(err.success, false);
  assert.equal(err.errorCode, 'NOT_FOUND');
  assert.equal(err.requestId, 'trace-123');

  const wrong = await fetch(`${server.baseUrl}/healthz`, { method: 'DELETE' });
  assert.equal(wrong.status, 405);
  assert.match(wrong.headers.get('allow'), /GET/);
  assert.equal((await wrong.json()).errorCode, 'METHOD_NOT_ALLOWED');
  assert.match(wrong.headers.get('x-request-id'), /^[A-Za-z0-9._-]{1,64}$/);
});
