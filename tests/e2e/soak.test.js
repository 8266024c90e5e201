// Acknowledged writes survive kill -9 (docs/reliability.md). The real `docket serve`
// takes concurrent HTTP writers — guest messages, staff replies, status changes,
// attachment uploads posted in messages — each with an Idempotency-Key, while a staff
// websocket client follows the rooms. At a random moment the server is SIGKILLed, then
// started again on the same data directory. Each round checks that:
//   - every acknowledged write is in the read models (its message, its upload) with the
//     eventId it was acknowledged with, at or below the log's head;
//   - every write that got no answer, retried with its key, is there exactly once (no
//     message text appears twice);
//   - `docket events verify` passes;
//   - the websocket client, syncing each room from the last eventId it saw, ends with
//     exactly the messages the server has.
// DOCKET_SOAK_ROUNDS rounds (5 here; `scripts/soak` runs 50).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { docket, makeDataDir, startServer } from './lib/docket.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, call, createInquiry, loginAdmin } from './lib/inquiries.js';
import { Clients, joinInquiry, syncInquiry } from './lib/realtime.js';

const ROUNDS = Number(process.env.DOCKET_SOAK_ROUNDS ?? 5);
const INQUIRIES = 4;
const WRITERS = 4;
const ENV = { DOCKET_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL, DOCKET_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD };
// A 1×1 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==',
  'base64');

// One write a client sends until it has an answer: its key and request stay the same.
function operation(kind, inquiry, adminToken) {
  const key = randomUUID();
  const text = `${kind} ${key}`;
  const messages = `/api/support-inquiries/${inquiry.id}/messages`;
  const adminMessages = `/api/admin/support-inquiries/${inquiry.id}/messages`;
  const op = { kind, key, text, inquiryId: inquiry.id, answered: null };
  const send = async (base, init) => {
    const res = await fetch(base + init.path, {
      method: init.method,
      headers: { 'idempotency-key': key, ...init.headers },
      body: init.body,
      signal: AbortSignal.timeout(10000),
    });
    return { status: res.status, eventId: Number(res.headers.get('x-docket-event-id') ?? 0), body: await res.json() };
  };
  const json = (token, body) => ({
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  switch (kind) {
    case 'guest':
      op.run = (base) => send(base, { method: 'POST', path: messages, ...json(inquiry.inquiryAccessToken, { message: text }) });
      break;
    case 'staff':
      op.run = (base) => send(base, { method: 'POST', path: adminMessages, ...json(adminToken, { message: text }) });
      break;
    case 'status':
      op.status = randomInt(2) ? 'waiting' : 'active';
      op.run = (base) => send(base, {
        method: 'PATCH', path: `/api/admin/support-inquiries/${inquiry.id}/status`, ...json(adminToken, { status: op.status }),
      });
      break;
    case 'upload': {
      // The upload, then a message carrying it: two requests, two keys.
      op.uploadKey = randomUUID();
      op.run = async (base) => {
        if (!op.file) {
          const form = new FormData();
          form.append('file', new Blob([PNG], { type: 'image/png' }), `${op.uploadKey}.png`);
          const res = await fetch(`${base}/api/attachments`, {
            method: 'POST', body: form, signal: AbortSignal.timeout(10000),
            headers: { authorization: `Bearer ${inquiry.inquiryAccessToken}`, 'idempotency-key': op.uploadKey },
          });
          const body = await res.json();
          if (res.status !== 201) return { status: res.status, body };
          op.file = body.data;
        }
        return send(base, {
          method: 'POST', path: messages,
          ...json(inquiry.inquiryAccessToken, { message: text, attachmentIds: [op.file.id] }),
        });
      };
      break;
    }
    default:
      throw new Error(kind);
  }
  return op;
}

test(`acknowledged writes survive kill -9 under load (${ROUNDS} rounds)`, { timeout: 60000 + ROUNDS * 30000 }, async () => {
  const dataDir = await makeDataDir();
  let server = await startServer({ dataDir, env: ENV });
  const clients = new Clients(server.baseUrl);
  try {
    const admin = await loginAdmin(server.baseUrl);
    const inquiries = [];
    for (let i = 0; i < INQUIRIES; i++) {
      inquiries.push(await createInquiry(server.baseUrl, { subject: `Soak ${i}`, message: 'Opened' }));
    }
    const acknowledged = [];  // operations with a 2xx answer
    const refused = [];       // operations with another answer (a status change the lifecycle refuses)
    let pending = [];         // operations without an answer: retried after the restart
    let retried = 0;          // operations answered only on a retry after a kill
    let logEpoch;
    const lastSeen = new Map(inquiries.map((q) => [q.id, 0]));  // the websocket client's position
    const seenMessages = new Map(inquiries.map((q) => [q.id, new Set()]));

    const settle = (op, answer) => {
      op.answered = answer;
      if (answer.status >= 200 && answer.status < 300) acknowledged.push(op);
      else refused.push(op);
    };

    for (let round = 0; round < ROUNDS; round++) {
      const base = server.baseUrl;
      clients.base = base;
      // Retry what got no answer before the kill, with the same key and body.
      for (const op of pending) {
        retried += 1;
        const answer = await op.run(base);
        // A retry is never turned away for its key (the first attempt finished, or never
        // reached the log); a status change may still meet another lifecycle state.
        assert.ok(!String(answer.body?.errorCode).startsWith('IDEMPOTENCY_'),
          `retry of ${op.kind} ${op.key}: ${JSON.stringify(answer.body)}`);
        assert.ok(answer.status < 500, `retry of ${op.kind} ${op.key}: ${JSON.stringify(answer.body)}`);
        settle(op, answer);
      }
      pending = [];

      // The staff client: every room, synced from where it was, then live.
      const socket = await clients.connect({ token: admin.token });
      socket.on('support.inquiry_message.created', (delta) => {
        const id = Number(/^support:inquiry:(\d+):messages$/.exec(delta.room)?.[1]);
        if (!seenMessages.has(id)) return;
        seenMessages.get(id).add(delta.message.id);
        lastSeen.set(id, Math.max(lastSeen.get(id), delta.eventId));
      });
      for (const q of inquiries) {
        assert.equal((await joinInquiry(socket, q.id)).ok, true);
        const synced = await syncInquiry(socket, q.id, lastSeen.get(q.id), logEpoch);
        assert.equal(synced.ok, true, JSON.stringify(synced));
        assert.equal(synced.gapDetected, false, `round ${round}: ${JSON.stringify(synced)}`);
        logEpoch = synced.logEpoch;
        for (const e of synced.events) {
          if (e.message) seenMessages.get(q.id).add(e.message.id);
          lastSeen.set(q.id, Math.max(lastSeen.get(q.id), e.eventId));
        }
      }

      // Writers until the kill.
      let killed = false;
      const writer = async () => {
        while (!killed) {
          const kinds = ['guest', 'guest', 'staff', 'status', 'upload'];
          const op = operation(kinds[randomInt(kinds.length)], inquiries[randomInt(INQUIRIES)], admin.token);
          try {
            settle(op, await op.run(base));
          } catch {
            pending.push(op);  // no answer: the server died under it
          }
        }
      };
      const writers = Array.from({ length: WRITERS }, writer);
      await new Promise((r) => setTimeout(r, 300 + randomInt(1200)));
      killed = true;
      server.proc.kill('SIGKILL');
      await Promise.all(writers);
      socket.close();
      await server.stop('SIGKILL');

      server = await startServer({ dataDir, env: ENV });
      const head = server.ready.head;
      const verified = await docket(['events', 'verify', '--data-dir', dataDir]);
      assert.equal(verified.code, 0, verified.stderr);
      for (const op of acknowledged) {
        assert.ok(op.answered.eventId <= head, `round ${round}: ${op.kind} acknowledged at ${op.answered.eventId}, head ${head}`);
      }
    }
    // Settle the last round's unanswered writes too, then compare everything.
    for (const op of pending) settle(op, await op.run(server.baseUrl));
    const base = server.baseUrl;
    clients.base = base;
    const adminToken = (await loginAdmin(base)).token;
    for (const q of inquiries) {
      const detail = await call(base, 'GET', `/api/admin/support-inquiries/${q.id}`, { token: adminToken });
      assert.equal(detail.status, 200);
      const texts = detail.body.data.messages.map((m) => m.message);
      const byId = new Map(detail.body.data.messages.map((m) => [m.id, m]));
      for (const op of acknowledged.filter((o) => o.inquiryId === q.id && o.kind !== 'status')) {
        const copies = texts.filter((t) => t === op.text).length;
        assert.equal(copies, 1, `${op.kind} ${op.key}: ${copies} copies`);
        const message = byId.get(op.answered.body.data.id);
        assert.ok(message, `${op.kind} message ${op.answered.body.data.id} is in the read model`);
        assert.equal(message.message, op.text);
        if (op.kind === 'upload') {
          assert.deepEqual(message.attachments?.map((a) => a.id), [op.file.id], 'the upload is on its message');
          const file = await fetch(`${base}/api/attachments/${op.file.id}`, { headers: { authorization: `Bearer ${adminToken}` } });
          assert.equal(file.status, 200);
          await file.arrayBuffer();
        }
      }
      for (const t of texts) assert.equal(texts.filter((x) => x === t).length, 1, `"${t}" appears once`);
      // The websocket client, synced once more, has exactly the server's messages.
      const socket = await clients.connect({ token: adminToken });
      const synced = await syncInquiry(socket, q.id, lastSeen.get(q.id), logEpoch);
      assert.equal(synced.gapDetected, false);
      for (const e of synced.events) if (e.message) seenMessages.get(q.id).add(e.message.id);
      assert.deepEqual([...seenMessages.get(q.id)].sort((a, b) => a - b), [...byId.keys()].sort((a, b) => a - b),
        `inquiry ${q.id}: the client's messages are the server's`);
    }
    const counted = acknowledged.length;
    assert.ok(counted > ROUNDS, `writes were acknowledged (${counted})`);
    const refusedBy = {};
    for (const op of refused) refusedBy[`${op.kind} ${op.answered.status}`] = (refusedBy[`${op.kind} ${op.answered.status}`] ?? 0) + 1;
    console.log(`# soak: ${ROUNDS} rounds, ${counted} acknowledged writes (${retried} only after a retry ` +
      `across a kill), refused ${JSON.stringify(refusedBy)}`);
  } finally {
    clients.close();
    await server.cleanup();
  }
});
