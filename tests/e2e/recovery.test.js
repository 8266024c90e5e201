// Socket.IO connection state recovery against `docket serve`, with the unmodified npm
// socket.io-client: the CONNECT reply's pid, the eventId offset after each delta, and a
// client reconnecting with {pid, offset} getting its rooms back and the events it missed
// replayed from the log (socket.recovered === true), after a dropped connection and
// after the server was killed and started again. And every case where it must not
// recover. docs/realtime.md ("Connection state recovery") is the contract.
//
// The clients are built with reconnection: false and reconnect with socket.connect(), so
// each test decides what happens while they are away; the server is given time to see a
// drop (its docket_ws_connections gauge) before the client comes back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  call, createInquiry, createStaff, loginAdmin, registerCustomer, sleep,
} from './lib/inquiries.js';
import {
  Clients, assertJoined, inquiryRoom, joinInquiry, joinRequest, metrics, once, openRequest, record,
  replyRequest, requestRoom, startRealtime, waitForMetrics, withServer,
} from './lib/realtime.js';

const DELTA_REQUEST = 'support.request_message.created';
const DELTA_INQUIRY = 'support.inquiry_message.created';

// Closes the socket's websocket without a Socket.IO DISCONNECT, as a network failure
// would, and waits until the server has seen it.
async function dropTransport(base, socket) {
  const before = (await metrics(base)).docket_ws_connections;
  const disconnected = once(socket, 'disconnect', 'disconnect');
  socket.io.engine.close();
  const [reason] = await disconnected;
  assert.equal(reason, 'forced close', 'the engine closed, no DISCONNECT sent');
  await waitForMetrics(base, (m) => m.docket_ws_connections === before - 1, 'the server saw the drop');
}

// Reconnects (socket.io-client sends {pid, offset, ...auth}); answers socket.recovered.
async function reconnect(socket) {
  const connected = once(socket, 'connect', 'reconnect');
  socket.connect();
  await connected;
  return socket.recovered;
}

// The eventIds of the deltas a recorder has seen.
const eventIds = (rec, name = DELTA_REQUEST) => rec.of(name).map((d) => d.eventId);

// Waits until the recorder has a delta for each message.
async function receivedAll(rec, messages, name = DELTA_REQUEST) {
  for (const m of messages) {
    await rec.next(name, (d) => d.eventId === m.eventId, `delta ${m.eventId}`);
  }
}

// Asserts that after the first `count` deltas only a marker arrives: "nothing (more)
// arrived" is checked against a marker, not a quiet time. `post()` adds a message to a
// room the socket is in; once its delta is here so is everything the server sent the
// socket before it (replayed events follow the CONNECT reply at once, live ones come
// in log order).
async function onlyMarkerAfter(rec, count, post, what) {
  const marker = await post();
  await receivedAll(rec, [marker]);
  assert.deepEqual(eventIds(rec).slice(count), [marker.eventId], what);
}

// A customer with a request, connected and joined, who has seen one delta live.
async function joinedCustomer({ base, clients }, email = 'kim@example.com') {
  const admin = await loginAdmin(base);
  const kim = await registerCustomer(base, email, 'Kim');
  const request = await openRequest(base, kim.token);
  const socket = await clients.connect({ token: kim.token, options: { reconnection: false } });
  assert.ok(!socket.recovered, 'a first connection is not a recovery');
  assertJoined(await joinRequest(socket, request.id), requestRoom(request.id));
  const rec = record(socket);
  const offsets = [];
  socket.on(DELTA_REQUEST, (delta, offset) => offsets.push({ eventId: delta.eventId, offset }));
  const seen = (await replyRequest(base, admin.token, request.id, 'Seen live', { staff: true })).message;
  await receivedAll(rec, [seen]);
  return { admin, kim, request, socket, rec, offsets, seen };
}

test('recovery: after a dropped connection the client gets its rooms and the missed deltas back, recovered === true, same socket.id', async () => {
  await withServer({}, async (ctx) => {
    const { base } = ctx;
    const { admin, request, socket, rec, offsets, seen } = await joinedCustomer(ctx);
    // The offset argument: the delta's eventId as a string, after the delta.
    assert.deepEqual(offsets, [{ eventId: seen.eventId, offset: String(seen.eventId) }]);
    const sid = socket.id;

    await dropTransport(base, socket);
    const missed = [];
    for (let i = 1; i <= 3; i++) {
      missed.push((await replyRequest(base, admin.token, request.id, `Missed ${i}`, { staff: true })).message);
    }
    assert.equal(await reconnect(socket), true, 'recovered');
    assert.equal(socket.id, sid, 'the session keeps its id');
    await receivedAll(rec, missed);
    assert.deepEqual(eventIds(rec), [seen, ...missed].map((m) => m.eventId), 'each once, in order');
    assert.deepEqual(rec.of(DELTA_REQUEST).slice(1).map((d) => d.message), missed,
      'the replayed deltas carry the REST messages');

    // The room is joined again without a join: a new message arrives live.
    const live = (await replyRequest(base, admin.token, request.id, 'After recovery', { staff: true })).message;
    await receivedAll(rec, [live]);
    assert.equal(offsets.at(-1).offset, String(live.eventId), 'the offset follows the newest delta');

    const m = await metrics(base);
    assert.equal(m.docket_ws_recoveries_total, 1);
    assert.equal(m.docket_ws_recovered_events_total, 3);
    assert.equal(m.docket_ws_session_store_errors_total, 0);

    // Recovering again with nothing missed: recovered, nothing replayed.
    await dropTransport(base, socket);
    assert.equal(await reconnect(socket), true, 'recovered again');
    const marker = async () => (await replyRequest(base, admin.token, request.id, 'Marker', { staff: true })).message;
    await onlyMarkerAfter(rec, 5, marker, 'nothing sent twice');
  });
});

test('recovery across a server restart: killed with SIGKILL, started on the same data directory and port', async () => {
  const first = await startRealtime();
  const clients = new Clients(first.baseUrl);
  let second;
  try {
    const ctx = { base: first.baseUrl, clients };
    const { kim, request, socket, rec, seen } = await joinedCustomer(ctx);
    const sid = socket.id;

    const disconnected = once(socket, 'disconnect', 'disconnect on kill');
    await first.stop('SIGKILL');
    await disconnected;
    second = await startRealtime({ dataDir: first.dataDir, port: first.ready.port });
    assert.equal(second.ready.logEpoch, first.ready.logEpoch, 'the same log');

    const admin = await loginAdmin(second.baseUrl);
    const missed = [];
    for (let i = 1; i <= 2; i++) {
      missed.push((await replyRequest(second.baseUrl, admin.token, request.id, `While away ${i}`, { staff: true })).message);
    }
    assert.equal(await reconnect(socket), true, 'recovered by the new process');
    assert.equal(socket.id, sid);
    await receivedAll(rec, missed);
    assert.deepEqual(eventIds(rec), [seen, ...missed].map((m) => m.eventId));

    const live = (await replyRequest(second.baseUrl, kim.token, request.id, 'Live again')).message;
    await receivedAll(rec, [live]);
  } finally {
    clients.close();
    await second?.cleanup();
    await first.cleanup();
  }
});

test('recovery of a guest inquiry session and of a staff session (rooms and the staff feed)', async () => {
  await withServer({}, async ({ base, clients }) => {
    const admin = await loginAdmin(base);
    const agent = await createStaff(base, admin.token, { email: 'agent@example.com' });
    const inquiry = await createInquiry(base, { subject: 'Guest question', message: 'Hello' });
    const guest = await clients.connect({
      token: inquiry.inquiryAccessToken, options: { reconnection: false },
    });
    assertJoined(await joinInquiry(guest, inquiry.id), inquiryRoom(inquiry.id));
    const staff = await clients.connect({ token: agent.token, options: { reconnection: false } });
    const guestRec = record(guest);
    const staffRec = record(staff);

    await dropTransport(base, guest);
    await dropTransport(base, staff);
    const reply = await call(base, 'POST', `/api/admin/support-inquiries/${inquiry.id}/messages`, {
      token: admin.token, body: { message: 'We are on it' },
    });
    assert.equal(reply.status, 201, JSON.stringify(reply.body));
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const request = await openRequest(base, kim.token, 'New request while staff was away');

    assert.equal(await reconnect(guest), true, 'the guest recovered');
    const delta = await guestRec.next(DELTA_INQUIRY, () => true, 'inquiry delta');
    assert.equal(delta.message.message, 'We are on it');
    assert.equal(delta.trackingCode, inquiry.trackingCode);

    assert.equal(await reconnect(staff), true, 'the staff session recovered');
    const created = await staffRec.next('support.request.created',
      (e) => e.supportRequestId === request.id, 'staff feed event missed while away');
    assert.equal(typeof created.eventId, 'number');
    // The staff feed missed while away holds the inquiry's and the request's creations
    // that followed the offset; nothing before the drop is sent again.
    assert.ok(staffRec.of('support.inquiry.created').every((e) => e.supportInquiryId !== inquiry.id),
      'the inquiry created before the drop is not replayed');
  });
});

test('no recovery: client disconnect, another principal, an expired session, too many missed events, a revoked guest token, recovery turned off', async () => {
  // DOCKET_WS_RECOVERY_SECONDS=2 makes expiry testable; DOCKET_WS_REPLAY_MAX_EVENTS=3 the bound.
  await withServer({ DOCKET_WS_RECOVERY_SECONDS: '2', DOCKET_WS_REPLAY_MAX_EVENTS: '3' }, async (ctx) => {
    const { base, clients } = ctx;
    const { admin, request, socket, rec } = await joinedCustomer(ctx);
    const post = async (text) =>
      (await replyRequest(base, admin.token, request.id, text, { staff: true })).message;

    // 1. The client said DISCONNECT: the session is over. The marker is posted once the
    // room is joined again.
    const marker = (text) => () => post(text);
    socket.disconnect();
    await post('After a client disconnect');
    assert.equal(await reconnect(socket), false, 'client disconnect');
    assertJoined(await joinRequest(socket, request.id), requestRoom(request.id));
    await onlyMarkerAfter(rec, 1, marker('Marker 1'), 'no room, no replay');

    // 2. Another principal's credential with this pid: a new session.
    const lee = await registerCustomer(base, 'lee@example.com', 'Lee');
    const leeRequest = await openRequest(base, lee.token);
    await dropTransport(base, socket);
    const kimAuth = socket.auth;
    socket.auth = { token: lee.token };
    assert.equal(await reconnect(socket), false, 'another principal');
    await post('Not for Lee');
    assertJoined(await joinRequest(socket, leeRequest.id), requestRoom(leeRequest.id));
    // Lee's marker, in Lee's room, comes after 'Not for Lee' in the log.
    const leeMarker = async () => (await replyRequest(base, lee.token, leeRequest.id, 'Marker 2')).message;
    await onlyMarkerAfter(rec, eventIds(rec).length, leeMarker, 'Kim\'s room was not restored for Lee');
    socket.auth = kimAuth;
    socket.disconnect();
    assert.equal(await reconnect(socket), false);
    assertJoined(await joinRequest(socket, request.id), requestRoom(request.id));

    // 3. Away longer than DOCKET_WS_RECOVERY_SECONDS.
    await dropTransport(base, socket);
    await sleep(2500);  // not synchronization: the expiry is wall-clock time that has to pass
    assert.equal(await reconnect(socket), false, 'expired');
    assertJoined(await joinRequest(socket, request.id), requestRoom(request.id));

    // 4. More missed messages than DOCKET_WS_REPLAY_MAX_EVENTS: the client syncs or refetches.
    const seen = await post('Seen before the bound');
    await rec.next(DELTA_REQUEST, (d) => d.eventId === seen.eventId);
    const count = rec.of(DELTA_REQUEST).length;
    await dropTransport(base, socket);
    for (let i = 1; i <= 4; i++) await post(`Over the bound ${i}`);
    assert.equal(await reconnect(socket), false, 'more than the bound');
    assertJoined(await joinRequest(socket, request.id), requestRoom(request.id));
    await onlyMarkerAfter(rec, count, marker('Marker 4'), 'nothing replayed');

    // 5. A guest whose token was revoked while away: refused at CONNECT.
    const inquiry = await createInquiry(base, { subject: 'Guest', message: 'Hi' });
    const guest = await clients.connect({ token: inquiry.inquiryAccessToken, options: { reconnection: false } });
    assertJoined(await joinInquiry(guest, inquiry.id), inquiryRoom(inquiry.id));
    await dropTransport(base, guest);
    const revoked = await call(base, 'POST', `/api/admin/support-inquiries/${inquiry.id}/revoke-token`, {
      token: admin.token,
    });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const refused = once(guest, 'connect_error', 'connect_error after revocation');
    guest.connect();
    const [err] = await refused;
    assert.deepEqual(err.data, { errorCode: 'SUPPORT_INQUIRY_TOKEN_INVALID' });

    const m = await metrics(base);
    // Cases 1, 2 (twice: Lee's pid, then Kim again with it), 3 and 4.
    assert.equal(m.docket_ws_recoveries_failed_total, 5);
    assert.equal(m.docket_ws_recoveries_total, 0);
  });

  // 6. DOCKET_WS_RECOVERY_SECONDS=0: no pid, never recovered, no offset argument.
  await withServer({ DOCKET_WS_RECOVERY_SECONDS: '0' }, async (ctx) => {
    const { base } = ctx;
    const { admin, request, socket, rec, offsets } = await joinedCustomer(ctx);
    assert.deepEqual(offsets.map((o) => o.offset), [undefined], 'no offset argument');
    await dropTransport(base, socket);
    await replyRequest(base, admin.token, request.id, 'Missed', { staff: true });
    assert.ok(!(await reconnect(socket)), 'recovery off (no pid: recovered is not true)');
    assertJoined(await joinRequest(socket, request.id), requestRoom(request.id));
    const marker = async () => (await replyRequest(base, admin.token, request.id, 'Marker', { staff: true })).message;
    await onlyMarkerAfter(rec, 1, marker, 'nothing replayed');
  });
});
