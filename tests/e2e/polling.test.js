// Engine.IO long-polling against the real binary: socket.io-client with its default
// transports and with transports ["polling"] connects, joins, receives deltas and
// syncs; the raw protocol (handshake, payloads, errors, the overlap and heartbeat
// rules) as docs/realtime.md describes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { io } from 'socket.io-client';
import { loginAdmin, registerCustomer, sleep } from './lib/inquiries.js';
import net from 'node:net';
import { WebSocket } from 'ws';
import {
  Clients, NSP, WAIT_MS, joinRequest, metrics, once, openRequest, record, replyRequest, requestRoom,
  startRealtime, syncRequest, waitForMetrics, withServer, withTimeout,
} from './lib/realtime.js';

const DELTA_REQUEST = 'support.request_message.created';
const RS = '\x1e';

// A socket.io-client socket with the given transports (undefined: the defaults),
// connected; closed by the caller. `opening(socket)` runs before the connection is
// under way (to listen to the engine from its first packet).
async function connectWith(base, token, transports, opening = () => {}) {
  const socket = io(base + NSP, {
    ...(transports ? { transports } : {}),
    forceNew: true, reconnection: false, timeout: WAIT_MS, auth: { token },
  });
  opening(socket);
  await withTimeout(new Promise((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('connect_error', (err) => reject(new assert.AssertionError({
      message: `connect_error ${err.message} ${JSON.stringify(err.data)}`,
    })));
  }), 'connect over polling');
  return socket;
}

// One raw request on the Engine.IO path: {status, type, text}.
async function eio(base, query, { method = 'GET', body } = {}) {
  const res = await fetch(`${base}/socket.io/?${query}`, {
    method, body, headers: body === undefined ? {} : { 'content-type': 'text/plain;charset=UTF-8' },
  });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

async function handshake(base) {
  const res = await eio(base, 'EIO=4&transport=polling');
  assert.equal(res.status, 200, res.text);
  assert.match(res.type, /^text\/plain/);
  assert.ok(res.text.startsWith('0'), res.text);
  return JSON.parse(res.text.slice(1));
}

test('socket.io-client with default transports and with polling only: connect, join, deltas, sync', async () => {
  await withServer({}, async ({ base, logEpoch }) => {
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim.polling@example.com', 'Kim');
    const request = await openRequest(base, kim.token, 'Over polling');
    const sockets = [];
    try {
      for (const transports of [undefined, ['polling']]) {
        const what = transports ? 'polling only' : 'default transports';
        const socket = await connectWith(base, kim.token, transports);
        sockets.push(socket);
        if (transports) {
          assert.equal(socket.io.engine.transport.name, 'polling', `${what}: on polling`);
        } else {
          // The client starts on polling and upgrades to the websocket the open packet offers.
          if (socket.io.engine.transport.name !== 'websocket') await once(socket.io.engine, 'upgrade', 'upgrade');
          assert.equal(socket.io.engine.transport.name, 'websocket', `${what}: upgraded`);
        }
        const rec = record(socket);
        assert.deepEqual(await joinRequest(socket, request.id), { ok: true, room: requestRoom(request.id) }, what);
        const reply = await replyRequest(base, admin.token, request.id, `Staff over ${what}`, { staff: true });
        const delta = await rec.next(DELTA_REQUEST, (d) => d.eventId === reply.message.eventId, `${what}: delta`);
        assert.deepEqual(delta, {
          eventId: reply.message.eventId, logEpoch, room: requestRoom(request.id), message: reply.message,
        });
        const replay = await syncRequest(socket, request.id, reply.message.eventId - 1);
        assert.equal(replay.ok, true, JSON.stringify(replay));
        assert.ok(replay.events.some((e) => e.eventId === reply.message.eventId), `${what}: sync`);
      }
      const m = await metrics(base);
      assert.equal(m.docket_ws_polling_sessions, 2, 'two sessions: one upgraded, one polling');
      assert.equal(m.docket_ws_upgrades_total, 1);
    } finally {
      for (const s of sockets) s.close();
    }
    // A client close ends the session on the server.
    await waitForMetrics(base, (m) => m.docket_ws_polling_sessions === 0, 'polling sessions closed');
  });
});

test('the Engine.IO path answers what is not a transport with Engine.IO errors', async () => {
  await withServer({}, async ({ base }) => {
    const cases = [
      ['', 'GET', 0, 'Transport unknown'],
      ['EIO=4', 'GET', 0, 'Transport unknown'],
      ['EIO=4&transport=abc', 'GET', 0, 'Transport unknown'],
      ['EIO=3&transport=polling', 'GET', 5, 'Unsupported protocol version'],
      ['transport=polling', 'GET', 5, 'Unsupported protocol version'],
      ['EIO=4&transport=polling', 'POST', 2, 'Bad handshake method'],
      ['EIO=4&transport=polling', 'PUT', 2, 'Bad handshake method'],
      ['EIO=4&transport=websocket', 'GET', 3, 'Bad request'],
      ['EIO=4&transport=polling&sid=nosuchsession', 'GET', 1, 'Session ID unknown'],
    ];
    for (const [query, method, code, message] of cases) {
      const res = await eio(base, query, { method });
      assert.equal(res.status, 400, `${method} ?${query}`);
      assert.deepEqual(JSON.parse(res.text), { code, message }, `${method} ?${query}`);
    }
    // Not in the REST contract's OpenAPI document.
    const doc = await (await fetch(`${base}/api/openapi.json`)).json();
    assert.ok(!Object.keys(doc.paths).some((p) => p.startsWith('/socket.io')));
  });
});

test('raw long-polling: handshake, CONNECT by POST, payloads, overlap and client pings close the session', async () => {
  await withServer({}, async ({ base }) => {
    const open = await handshake(base);
    assert.deepEqual(Object.keys(open), ['sid', 'upgrades', 'pingInterval', 'pingTimeout', 'maxPayload']);
    assert.match(open.sid, /^[A-Za-z0-9_-]{20}$/);
    const q = `EIO=4&transport=polling&sid=${open.sid}`;

    // Two packets in one POST: CONNECT to the namespace, then an event with an ack id.
    const posted = await eio(base, q, {
      method: 'POST', body: `40${NSP},${RS}42${NSP},7["support:join_request_messages",{"supportRequestId":1}]`,
    });
    assert.equal(posted.status, 200);
    assert.equal(posted.text, 'ok');
    // Both answers come back in one GET, joined by the record separator.
    const got = await eio(base, q);
    assert.equal(got.status, 200);
    const packets = got.text.split(RS);
    assert.ok(packets[0].startsWith(`40${NSP},{"sid":"`), packets[0]);
    assert.ok(packets[1].startsWith(`43${NSP},7[{"ok":false,"errorCode":"UNAUTHORIZED"`), packets[1]);

    // A second GET while one waits: the session is closed, the second answered 400.
    const waiting = eio(base, q);
    // The one margin left in this file: the server shows no sign of a parked GET (no
    // metric, no log line) to wait for, so the second GET goes out half a second later,
    // a margin a loaded machine does not use up.
    await sleep(500);
    const second = await eio(base, q);
    assert.equal(second.status, 400);
    assert.equal((await waiting).text, '1', 'the waiting GET gets the close packet');
    assert.equal((await eio(base, q)).status, 400, 'the session is gone');

    // A ping from the client (v4: only the server pings) closes the session too.
    const other = await handshake(base);
    const q2 = `EIO=4&transport=polling&sid=${other.sid}`;
    const ping = await eio(base, q2, { method: 'POST', body: '2' });
    assert.equal(ping.status, 400);
    // No GET was waiting for the close packet: the sid is unknown at once, as in the
    // engine.io server (only a session the server closes keeps its close packet).
    const after = await eio(base, q2);
    assert.equal(after.status, 400);
    assert.equal(after.text, '{"code":1,"message":"Session ID unknown"}');
    // A binary packet (Docket's protocol is text only) is refused the same way.
    const third = await handshake(base);
    const q3 = `EIO=4&transport=polling&sid=${third.sid}`;
    assert.equal((await eio(base, q3, { method: 'POST', body: 'bAQID' })).status, 400);
    await waitForMetrics(base, (m) => m.docket_ws_polling_closed_protocol_error_total >= 3,
      'three sessions closed for protocol errors');
  });
});

test('heartbeat over polling: pings are answered by pongs; a client that stops polling is dropped', async () => {
  const env = { DOCKET_WS_PING_INTERVAL_MS: '1000', DOCKET_WS_PING_TIMEOUT_MS: '1000' };
  await withServer(env, async ({ base }) => {
    const handshakeSent = Date.now();
    const open = await handshake(base);
    assert.equal(open.pingInterval, 1000);
    const q = `EIO=4&transport=polling&sid=${open.sid}`;
    await eio(base, q, { method: 'POST', body: `40${NSP},` });
    assert.ok((await eio(base, q)).text.startsWith('40'));
    // The next GET waits for the ping, a second after the handshake. Measured from the
    // handshake, not from the GET: on a loaded machine the GET may go out late, and then
    // it waits less.
    const ping = await eio(base, q);
    assert.equal(ping.text, '2');
    const pingAfter = Date.now() - handshakeSent;
    assert.ok(pingAfter >= 900, `the GET was held until the ping was due (${pingAfter} ms after the handshake)`);
    assert.equal((await eio(base, q, { method: 'POST', body: '3' })).text, 'ok');
    // Answered twice more: the session lives on.
    for (let i = 0; i < 2; i++) {
      assert.equal((await eio(base, q)).text, '2');
      await eio(base, q, { method: 'POST', body: '3' });
    }
    assert.equal((await metrics(base)).docket_ws_polling_sessions, 1);
    // Stop polling: dropped one ping interval plus the ping timeout (2 s) later; the
    // deadline leaves a loaded machine room.
    await waitForMetrics(base, (m) => m.docket_ws_polling_sessions === 0 &&
      m.docket_ws_polling_closed_ping_timeout_total === 1, 'the silent session dropped', 15000);
    assert.equal((await eio(base, q)).status, 400, 'its sid is unknown now');
  });
});

test('messages posted while a client upgrades arrive exactly once', async () => {
  await withServer({}, async ({ base }) => {
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim.upgrade@example.com', 'Kim');
    const request = await openRequest(base, kim.token, 'Upgrade race');
    for (let round = 0; round < 3; round++) {
      const socket = await connectWith(base, kim.token);
      try {
        const rec = record(socket);
        // Joined over polling, while the probe is under way.
        assert.deepEqual(await joinRequest(socket, request.id), { ok: true, room: requestRoom(request.id) });
        const upgraded = socket.io.engine.transport.name === 'websocket'
          ? Promise.resolve() : once(socket.io.engine, 'upgrade', 'upgrade');
        const posts = await Promise.all(Array.from({ length: 20 }, (_, i) =>
          replyRequest(base, admin.token, request.id, `round ${round} message ${i}`, { staff: true })));
        await upgraded;
        for (const { message } of posts) {
          await rec.next(DELTA_REQUEST, (d) => d.eventId === message.eventId, `delta ${message.eventId}`);
        }
        // A marker posted after the upgrade: a duplicate sent over polling arrived before
        // the 'upgrade' event, one sent over the websocket before the later marker.
        const marker = (await replyRequest(base, admin.token, request.id, `round ${round} marker`, { staff: true })).message;
        await rec.next(DELTA_REQUEST, (d) => d.eventId === marker.eventId, `marker ${marker.eventId}`);
        const ids = rec.of(DELTA_REQUEST).map((d) => d.eventId);
        assert.equal(ids.pop(), marker.eventId, `round ${round}: the marker came last (${ids})`);
        assert.equal(ids.length, posts.length, `round ${round}: each delta once (${ids})`);
        assert.deepEqual([...ids].sort((a, b) => a - b), ids, `round ${round}: in log order`);
        assert.equal(socket.io.engine.transport.name, 'websocket');
      } finally {
        socket.close();
      }
    }
    // The last "5" may still be on its way to the server when the client closes.
    const m = await waitForMetrics(base, (x) => x.docket_ws_upgrades_total >= 3, 'three upgrades');
    assert.equal(m.docket_ws_upgrades_total, 3);
  });
});

// A TCP proxy in front of `port` that, like some corporate proxies, refuses websocket
// upgrades and passes everything else. Answers {port, close()}.
async function upgradeBlockingProxy(port) {
  const server = net.createServer((client) => {
    client.once('data', (first) => {
      if (/^upgrade:\s*websocket/im.test(first.toString('latin1'))) {
        client.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
        return;
      }
      const upstream = net.connect(port, '127.0.0.1', () => {
        upstream.write(first);
        client.pipe(upstream).pipe(client);
      });
      upstream.on('error', () => client.destroy());
      client.on('error', () => upstream.destroy());
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: server.address().port, close: () => server.close() };
}

test('where websockets are blocked, a default client falls back to polling and keeps working', async () => {
  const server = await startRealtime();
  const proxy = await upgradeBlockingProxy(new URL(server.baseUrl).port);
  const base = `http://127.0.0.1:${proxy.port}`;
  let socket;
  try {
    const admin = await loginAdmin(server.baseUrl);
    const kim = await registerCustomer(server.baseUrl, 'kim.blocked@example.com', 'Kim');
    const request = await openRequest(server.baseUrl, kim.token, 'Behind a proxy');
    let probeFailed;
    socket = await connectWith(base, kim.token, undefined, (s) => {
      probeFailed = once(s.io.engine, 'upgradeError', 'the websocket probe failed');
      probeFailed.catch(() => {});  // awaited below; no unhandled rejection if we fail first
    });
    const rec = record(socket);
    assert.deepEqual(await joinRequest(socket, request.id), { ok: true, room: requestRoom(request.id) });
    const [probeError] = await probeFailed;
    assert.equal(probeError.transport, 'websocket', String(probeError));
    assert.equal(socket.io.engine.transport.name, 'polling');
    assert.ok(socket.connected);
    const reply = await replyRequest(server.baseUrl, admin.token, request.id, 'Through the proxy', { staff: true });
    await rec.next(DELTA_REQUEST, (d) => d.eventId === reply.message.eventId, 'delta over polling');
    assert.equal((await metrics(server.baseUrl)).docket_ws_upgrades_total, 0);
  } finally {
    socket?.close();
    proxy.close();
    await server.cleanup();
  }
});

test('a polling-only client recovers its session across a server restart', async () => {
  const first = await startRealtime();
  const clients = new Clients(first.baseUrl);
  let second;
  try {
    const admin = await loginAdmin(first.baseUrl);
    const kim = await registerCustomer(first.baseUrl, 'kim.restart@example.com', 'Kim');
    const request = await openRequest(first.baseUrl, kim.token, 'Polling across a restart');
    const socket = await clients.connect({
      token: kim.token, options: { transports: ['polling'], reconnection: false },
    });
    assert.equal(socket.io.engine.transport.name, 'polling');
    assert.deepEqual(await joinRequest(socket, request.id), { ok: true, room: requestRoom(request.id) });
    const rec = record(socket);
    const seen = (await replyRequest(first.baseUrl, admin.token, request.id, 'Seen live', { staff: true })).message;
    await rec.next(DELTA_REQUEST, (d) => d.eventId === seen.eventId, 'live delta');
    const sid = socket.id;

    const disconnected = once(socket, 'disconnect', 'disconnect on kill');
    await first.stop('SIGKILL');
    await disconnected;
    second = await startRealtime({ dataDir: first.dataDir, port: first.ready.port });
    const admin2 = await loginAdmin(second.baseUrl);
    const missed = [];
    for (let i = 1; i <= 2; i++) {
      missed.push((await replyRequest(second.baseUrl, admin2.token, request.id, `While away ${i}`, { staff: true })).message);
    }
    const connected = once(socket, 'connect', 'reconnect');
    socket.connect();
    await connected;
    assert.equal(socket.recovered, true, 'recovered by the new process, over polling');
    assert.equal(socket.id, sid);
    for (const m of missed) await rec.next(DELTA_REQUEST, (d) => d.eventId === m.eventId, `missed ${m.eventId}`);
    assert.deepEqual(rec.of(DELTA_REQUEST).map((d) => d.eventId), [seen, ...missed].map((m) => m.eventId));
  } finally {
    clients.close();
    await second?.cleanup();
    await first.cleanup();
  }
});

test('two websockets probe one session: the upgrade closes the other, a later one is closed at once', async () => {
  await withServer({}, async ({ server, base }) => {
    const open = await handshake(base);
    const url = `${base.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket&sid=${open.sid}`;
    const opened = (ws) => new Promise((resolve, reject) => { ws.once('open', resolve); ws.once('error', reject); });
    const closed = (ws) => new Promise((resolve) => ws.once('close', (code) => resolve(code)));
    const first = new WebSocket(url);
    const second = new WebSocket(url);
    await withTimeout(Promise.all([opened(first), opened(second)]), 'both websockets open');
    const secondClosed = closed(second);
    first.send('2probe');
    const probe = await withTimeout(new Promise((r) => first.once('message', (d) => r(String(d)))), '3probe');
    assert.equal(probe, '3probe');
    const upgradedAt = Date.now();
    first.send('5');
    // Closed by the upgrade with a close handshake, not by the 10 s bound on a probe.
    assert.equal(await withTimeout(secondClosed, 'the second websocket closed'), 1000);
    assert.ok(Date.now() - upgradedAt < 2000, `closed ${Date.now() - upgradedAt} ms after the upgrade`);
    // The session is the first websocket's: polling is refused, a third websocket is
    // accepted and closed at once, and the first one still answers.
    assert.equal((await eio(base, `EIO=4&transport=polling&sid=${open.sid}`)).status, 400);
    const third = new WebSocket(url);
    third.on('error', () => {});
    assert.equal(await withTimeout(closed(third), 'the third websocket closed'), 1000);
    first.send('40/support,');
    const answer = await withTimeout(new Promise((r) => first.once('message', (d) => r(String(d)))),
      'the CONNECT answer over the upgraded websocket');
    assert.ok(answer.startsWith('40/support,{"sid":'), answer);
    await waitForMetrics(base, (m) => m.docket_ws_upgrades_total === 1 && m.docket_ws_connections === 1,
      'one upgrade, one websocket left');
    // The server ending the upgraded session sends its close packet first.
    const lastMessage = new Promise((r) => first.on('message', (d) => { if (String(d) !== '2') r(String(d)); }));
    const firstClosed = closed(first);
    await server.stop();
    assert.equal(await withTimeout(lastMessage, 'the close packet'), '1');
    await withTimeout(firstClosed, 'the upgraded websocket closed');
  });
});
