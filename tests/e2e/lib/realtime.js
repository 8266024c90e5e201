// Helpers for the realtime (Socket.IO) e2e tests: socket.io-client connections that are
// tracked and always closed, bounded waits, event recorders, acks, /metrics and the
// support request REST calls the tests post through.
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { startServer } from './docket.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, call, waitFor } from './inquiries.js';

export const WAIT_MS = 5000;
// There is no quiet time: a test shows that a client received nothing by causing a later
// event the client must receive (a marker) and checking what came before it.
export const NSP = '/support';

export const requestRoom = (id) => `support:request:${id}:messages`;
export const inquiryRoom = (id) => `support:inquiry:${id}:messages`;

// Starts docket with the bootstrap admin and cheap password hashing; `dataDir` reuses a
// data directory (restart), `port` a port (a client reconnecting to the same address).
export function startRealtime({ env = {}, dataDir, port } = {}) {
  return startServer({
    dataDir,
    port,
    env: {
      DOCKET_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
      DOCKET_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
      DOCKET_PASSWORD_HASH_COST: 'minimal',
      ...env,
    },
  });
}

// Runs `body({server, base, clients, logEpoch})` against a fresh server started with
// `env`; its sockets and the server are always closed.
export async function withServer(env, body) {
  const server = await startRealtime({ env });
  const clients = new Clients(server.baseUrl);
  try {
    return await body({ server, base: server.baseUrl, clients, logEpoch: server.ready.logEpoch });
  } finally {
    clients.close();
    await server.cleanup();
  }
}

// Rejects with a test failure when `promise` does not settle within `ms`.
export function withTimeout(promise, what, ms = WAIT_MS) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new assert.AssertionError({
      message: `timed out after ${ms} ms waiting for ${what}`,
    })), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

// A set of socket.io-client sockets that close() ends, whatever happened.
export class Clients {
  constructor(base) {
    this.base = base;
    this.sockets = new Set();
  }

  // A socket (not yet connected). `token` goes into the auth payload as given (spell
  // "Bearer …" yourself); `auth` replaces the payload. No reconnection, own Manager.
  open({ token, auth, nsp = NSP, options = {} } = {}) {
    const socket = io(this.base + nsp, {
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
      timeout: WAIT_MS,
      auth: auth ?? (token === undefined ? {} : { token }),
      ...options,
    });
    this.sockets.add(socket);
    return socket;
  }

  // Opens and waits for `connect`; a connect_error fails with its message and data.
  async connect(opts = {}) {
    const socket = this.open(opts);
    await withTimeout(new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', (err) => reject(new assert.AssertionError({
        message: `connect_error ${err.message} ${JSON.stringify(err.data)}`,
      })));
    }), `connect (${opts.nsp ?? NSP})`);
    return socket;
  }

  // Opens and waits for `connect_error`; answers the error. A `connect` fails.
  async connectError(opts = {}) {
    const socket = this.open(opts);
    return withTimeout(new Promise((resolve, reject) => {
      socket.once('connect_error', (err) => { socket.close(); resolve(err); });
      socket.once('connect', () => reject(new assert.AssertionError({
        message: `expected connect_error, got connect (${JSON.stringify(opts.auth ?? opts.token ?? null)})`,
      })));
    }), `connect_error (${opts.nsp ?? NSP})`);
  }

  close() {
    for (const socket of this.sockets) socket.close();
    this.sockets.clear();
  }
}

// emitWithAck bounded by WAIT_MS (socket.io-client's own timeout rejects the promise).
export async function ack(socket, event, payload) {
  try {
    return await socket.timeout(WAIT_MS).emitWithAck(event, payload);
  } catch (err) {
    assert.fail(`no ack for ${event} ${JSON.stringify(payload)} within ${WAIT_MS} ms: ${err.message}`);
  }
}

export async function joinRequest(socket, supportRequestId) {
  return ack(socket, 'support:join_request_messages', { supportRequestId });
}
export async function joinInquiry(socket, supportInquiryId) {
  return ack(socket, 'support:join_inquiry_messages', { supportInquiryId });
}
export async function syncRequest(socket, supportRequestId, sinceEventId, logEpoch) {
  const payload = { supportRequestId, sinceEventId };
  if (logEpoch !== undefined) payload.logEpoch = logEpoch;
  return ack(socket, 'support:sync_request_messages', payload);
}
export async function syncInquiry(socket, supportInquiryId, sinceEventId, logEpoch) {
  const payload = { supportInquiryId, sinceEventId };
  if (logEpoch !== undefined) payload.logEpoch = logEpoch;
  return ack(socket, 'support:sync_inquiry_messages', payload);
}

// Asserts a successful join answer for `room`.
export function assertJoined(answer, room, what = '') {
  assert.deepEqual(answer, { ok: true, room }, `${what} ${JSON.stringify(answer)}`);
}

// Asserts a refused ack: ok false, the errorCode, a non-empty message.
export function assertRefused(answer, errorCode, what = '') {
  const label = `${what} ${JSON.stringify(answer)}`;
  assert.equal(answer?.ok, false, label);
  assert.equal(answer.errorCode, errorCode, label);
  assert.equal(typeof answer.message, 'string', label);
  assert.ok(answer.message.length > 0, label);
}

// Records every server event a socket receives: recorder.events is [{name, arg}] in
// arrival order; of(name) filters; next(name, pred) waits (bounded) for a matching
// event, counting those already received.
export function record(socket) {
  const events = [];
  const waiters = [];
  socket.onAny((name, arg) => {
    events.push({ name, arg });
    for (const w of [...waiters]) {
      if (w.name === name && w.pred(arg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(arg);
      }
    }
  });
  return {
    events,
    of: (name) => events.filter((e) => e.name === name).map((e) => e.arg),
    next(name, pred = () => true, what = name) {
      const found = events.find((e) => e.name === name && pred(e.arg));
      if (found) return Promise.resolve(found.arg);
      let waiter;
      const p = new Promise((resolve) => { waiter = { name, pred, resolve }; waiters.push(waiter); });
      return withTimeout(p, what).finally(() => {
        const i = waiters.indexOf(waiter);
        if (i >= 0) waiters.splice(i, 1);
      });
    },
  };
}

// Resolves the next `event` of an emitter (socket.io-client socket), bounded.
export function once(emitter, event, what = event, ms = WAIT_MS) {
  return withTimeout(new Promise((resolve) => emitter.once(event, (...args) => resolve(args))), what, ms);
}

// GET /metrics as {name: number} (series without labels).
export async function metrics(base) {
  const res = await fetch(`${base}/metrics`);
  assert.equal(res.status, 200);
  const out = {};
  for (const line of (await res.text()).split('\n')) {
    const m = /^([a-z_]+) (\S+)$/.exec(line);
    if (m) out[m[1]] = Number(m[2]);
  }
  return out;
}

// Polls /metrics until `pred(metrics)` holds (bounded); answers those metrics.
export async function waitForMetrics(base, pred, what, ms = WAIT_MS) {
  let m;
  return waitFor(async () => {
    m = await metrics(base);
    return pred(m) && m;
  }, {
    timeoutMs: ms,
    message: () => `metrics to satisfy ${what}: ${JSON.stringify(
      Object.fromEntries(Object.entries(m ?? {}).filter(([k]) => !k.startsWith('docket_log_'))))}`,
  });
}

// ---- Support requests over REST

export async function openRequest(base, customerToken, message = 'First message', subject = 'Help') {
  const res = await call(base, 'POST', '/api/mobile/support-requests', {
    token: customerToken, body: { subject, category: 'billing', message },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data;
}

// Posts a reply (customer or staff route) and answers {request, message}: the REST
// answer is the message just posted and the request's fields (no thread).
export async function replyRequest(base, token, id, message, { staff = false } = {}) {
  const route = staff ? `/api/admin/support-requests/${id}/messages` : `/api/mobile/support-requests/${id}/messages`;
  const res = await call(base, 'POST', route, { token, body: { message } });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const { message: posted, supportRequest: request } = res.body.data;
  assert.equal(request.id, id);
  assert.equal(posted.message, message, 'the answer is the message just posted');
  assert.ok(Number.isInteger(posted.eventId), 'the message has an eventId');
  return { request, message: posted };
}

export async function requestMessages(base, adminToken, id) {
  const res = await call(base, 'GET', `/api/admin/support-requests/${id}`, { token: adminToken });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  return res.body.data.messages;
}
