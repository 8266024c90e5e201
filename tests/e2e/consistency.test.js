// Read-your-writes under concurrent load, against the real binary. A guest message is
// acknowledged as soon as it is durable, before the read models hold it (decision
// 0021); the server must still show it to every read that follows the acknowledgement:
// a GET on another connection, a GET naming the eventId in X-Docket-Min-Event-Id, and a
// websocket sync. Readers polling meanwhile must never see a thread shrink.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import net from 'node:net';
import { assertError, call, createInquiry } from './lib/inquiries.js';
import { syncInquiry, withServer } from './lib/realtime.js';

const P = '/api/support-inquiries';
const WRITERS = 16;
const POSTS_PER_WRITER = 20;

// A GET on a connection of its own (no keep-alive pool): answers {status, headers, body}.
function getFresh(base, path, headers) {
  return new Promise((resolve, reject) => {
    const req = http.get(base + path, { agent: false, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, body: JSON.parse(text) }));
    });
    req.on('error', reject);
  });
}

// Sends `requests` ([{method, path, headers, body}]) pipelined on one new connection, in
// one write, and answers their responses in order ([{status, headers, body}]): the
// server reads each request only after answering the one before, so a read right
// behind a write runs the moment the write is acknowledged.
function pipelined(base, requests) {
  const { hostname, port } = new URL(base);
  let wire = '';
  for (const r of requests) {
    const body = r.body === undefined ? '' : JSON.stringify(r.body);
    wire += `${r.method} ${r.path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\n`;
    for (const [k, v] of Object.entries(r.headers ?? {})) wire += `${k}: ${v}\r\n`;
    if (body) wire += `Content-Type: application/json\r\n`;
    wire += `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
  }
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => socket.end(wire));
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk) => { buffer = Buffer.concat([buffer, chunk]); });
    socket.on('error', reject);
    socket.on('close', () => {
      const responses = [];
      while (buffer.length > 0) {
        const end = buffer.indexOf('\r\n\r\n');
        if (end < 0) break;
        const [statusLine, ...lines] = buffer.subarray(0, end).toString('latin1').split('\r\n');
        const headers = {};
        for (const line of lines) {
          const colon = line.indexOf(':');
          headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
        }
        const length = Number(headers['content-length'] ?? 0);
        const text = buffer.subarray(end + 4, end + 4 + length).toString('utf8');
        responses.push({ status: Number(statusLine.split(' ')[1]), headers, body: JSON.parse(text) });
        buffer = buffer.subarray(end + 4 + length);
      }
      resolve(responses);
    });
  });
}

test('read-your-writes: every acknowledged message is visible to the reads that follow, under concurrent load', async () => {
  await withServer({ DOCKET_RATE_LIMIT_ENABLED: 'false' }, async ({ base, clients }) => {
    const inquiries = [];
    for (let i = 0; i < 8; i++) {
      inquiries.push(await createInquiry(base, { subject: `Load ${i}`, message: 'First message' }));
    }
    const sockets = await Promise.all(inquiries.map((inq) => clients.connect({ token: inq.inquiryAccessToken })));

    // Readers: the thread of an inquiry only grows, whatever the writers are doing.
    let writing = true;
    const readers = inquiries.slice(0, 4).map(async (inq) => {
      let seen = 0;
      let reads = 0;
      while (writing) {
        const res = await call(base, 'GET', `${P}/${inq.id}/messages`, { token: inq.inquiryAccessToken });
        assert.equal(res.status, 200, JSON.stringify(res.body));
        assert.ok(res.body.data.length >= seen, `inquiry ${inq.id}: ${res.body.data.length} messages after ${seen}`);
        seen = res.body.data.length;
        reads += 1;
      }
      return reads;
    });

    let checkedSyncs = 0;
    const writers = Array.from({ length: WRITERS }, async (_, w) => {
      for (let i = 0; i < POSTS_PER_WRITER; i++) {
        const k = (w + i) % inquiries.length;
        const inq = inquiries[k];
        const token = inq.inquiryAccessToken;
        const posted = await call(base, 'POST', `${P}/${inq.id}/messages`, {
          token, body: { message: `writer ${w} post ${i}` },
        });
        assert.equal(posted.status, 201, JSON.stringify(posted.body));
        const message = posted.body.data;
        assert.equal(posted.headers.get('x-docket-event-id'), String(message.eventId));

        // A GET pipelined right behind a post sees that post, as it runs the moment the
        // post is acknowledged.
        const auth = { authorization: `Bearer ${token}` };
        const [write, read] = await pipelined(base, [
          { method: 'POST', path: `${P}/${inq.id}/messages`, headers: auth, body: { message: `writer ${w} pipelined ${i}` } },
          { method: 'GET', path: `${P}/${inq.id}/messages`, headers: auth },
        ]);
        assert.equal(write.status, 201, JSON.stringify(write.body));
        assert.equal(read.status, 200, JSON.stringify(read.body));
        assert.ok(read.body.data.some((m) => m.id === write.body.data.id),
          `message ${write.body.data.id} (event ${write.body.data.eventId}) missing from the GET pipelined behind it`);

        // A GET on a new connection sees it...
        const fresh = await getFresh(base, `${P}/${inq.id}/messages`, { authorization: `Bearer ${token}` });
        assert.equal(fresh.status, 200, JSON.stringify(fresh.body));
        assert.ok(fresh.body.data.some((m) => m.id === message.id),
          `message ${message.id} (event ${message.eventId}) missing from the GET after its 201`);
        // ...so does one naming its eventId...
        const named = await call(base, 'GET', `${P}/${inq.id}`, {
          token, headers: { 'x-docket-min-event-id': String(message.eventId) },
        });
        assert.equal(named.status, 200, JSON.stringify(named.body));
        assert.ok(named.body.data.messages.some((m) => m.id === message.id),
          `message ${message.id} missing from the detail read with X-Docket-Min-Event-Id`);
        // ...and a sync from just before it.
        if (i % 4 === 0) {
          const replay = await syncInquiry(sockets[k], inq.id, message.eventId - 1);
          assert.equal(replay.ok, true, JSON.stringify(replay));
          assert.ok(replay.events.some((e) => e.eventId === message.eventId),
            `event ${message.eventId} missing from the sync after its 201`);
          checkedSyncs += 1;
        }
      }
    });
    try {
      await Promise.all(writers);
    } finally {
      writing = false;
      await Promise.allSettled(readers); // before the server stops
    }
    const reads = await Promise.all(readers);
    assert.ok(reads.every((n) => n > 0), `every reader read (${reads})`);
    assert.ok(checkedSyncs > 0);

    // Every message of every writer is there, once.
    let total = 0;
    for (const inq of inquiries) {
      const res = await call(base, 'GET', `${P}/${inq.id}/messages`, { token: inq.inquiryAccessToken });
      total += res.body.data.filter((m) => m.message.startsWith('writer ')).length;
    }
    assert.equal(total, 2 * WRITERS * POSTS_PER_WRITER);
  });
});

test('X-Docket-Min-Event-Id must be an eventId; probes do not wait for the read models', async () => {
  await withServer({}, async ({ base }) => {
    const inq = await createInquiry(base, { subject: 'Header', message: 'Hello' });
    for (const bad of ['abc', '-1', '1.5', '123456789012345678901']) {
      const res = await call(base, 'GET', `${P}/${inq.id}`, {
        token: inq.inquiryAccessToken, headers: { 'x-docket-min-event-id': bad },
      });
      assertError(res, 400, 'VALIDATION_ERROR', bad);
      assert.ok(res.body.details.some((d) => d.field === 'X-Docket-Min-Event-Id'), JSON.stringify(res.body));
    }
    // An id past the head waits for the head only.
    const ahead = await call(base, 'GET', `${P}/${inq.id}`, {
      token: inq.inquiryAccessToken, headers: { 'x-docket-min-event-id': '9999999' },
    });
    assert.equal(ahead.status, 200, JSON.stringify(ahead.body));
    // Probes ignore it (they must answer however far the read models lag).
    const probe = await call(base, 'GET', '/healthz', { headers: { 'x-docket-min-event-id': 'abc' } });
    assert.equal(probe.status, 200);
  });
});
