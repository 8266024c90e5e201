// The realtime (Socket.IO, websocket only) server of `docket serve`, black-box, with the
// real npm socket.io-client: namespace authentication, room authorization, live message
// deltas after REST posts, at-least-once delivery with client-side dedupe, sync replay
// (after a reconnect, across a restart, gap detection), the staff feed, slow consumers
// and the heartbeat. docs/realtime.md is the contract asserted here.
//
// Every wait is bounded (lib/realtime.js WAIT_MS); every socket and server is closed in
// `finally`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import {
  adminReply, assertNoHashes, call, createInquiry, createStaff, loginAdmin, registerCustomer,
  setStatus, sleep,
} from './lib/inquiries.js';
import {
  Clients, NSP, ack, assertJoined, assertRefused, inquiryRoom, joinInquiry, joinRequest,
  metrics, once, openRequest, record, replyRequest, requestMessages, requestRoom, startRealtime,
  syncInquiry, syncRequest, waitForMetrics, withServer, withTimeout,
} from './lib/realtime.js';

const A = '/api/admin/support-inquiries';
const DELTA_REQUEST = 'support.request_message.created';
const DELTA_INQUIRY = 'support.inquiry_message.created';
const STAFF_EVENTS = ['support.request.created', 'support.request.assigned',
  'support.request.status_changed', 'support.inquiry.created'];

// Asserts a request delta equals the REST message it announces.
function assertRequestDelta(delta, { id, message, logEpoch }, what) {
  assert.deepEqual(delta, { eventId: message.eventId, logEpoch, room: requestRoom(id), message },
    `${what}: delta ${JSON.stringify(delta)}`);
}

// ---------------------------------------------------------------------------------------
// 1. CONNECT

test('connect: customer, staff and guest tokens connect; bad JWT, unknown si_ token and other namespaces are refused; no token joins nothing', async () => {
  await withServer({}, async ({ base, clients }) => {
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const agent = await createStaff(base, admin.token, { email: 'agent@example.com' });
    const inquiry = await createInquiry(base, { subject: 'Guest question', message: 'Hello' });
    const guest = inquiry.inquiryAccessToken;
    const request = await openRequest(base, kim.token);

    // Every accepted spelling of each credential kind.
    for (const [what, token] of [
      ['customer JWT', kim.token], ['customer Bearer JWT', `Bearer ${kim.token}`],
      ['admin JWT', admin.token], ['staff Bearer JWT', `Bearer ${agent.token}`],
      ['guest si_', guest], ['guest Bearer si_', `Bearer ${guest}`],
    ]) {
      const socket = await clients.connect({ token });
      assert.ok(socket.connected, what);
      assert.match(socket.id, /^[A-Za-z0-9_-]{20}$/, `${what}: sid is 20 base64url characters`);
    }
    // Without a token in the auth payload the handshake's Authorization header is used.
    const viaHeader = await clients.connect({
      options: { extraHeaders: { authorization: `Bearer ${kim.token}` } },
    });
    assertJoined(await joinRequest(viaHeader, request.id), requestRoom(request.id), 'header credential');

    const before = await metrics(base);

    // A JWT with a broken signature, and a string that is no JWT at all.
    const sig = kim.token.slice(kim.token.lastIndexOf('.') + 1);
    const tampered = kim.token.slice(0, kim.token.lastIndexOf('.') + 1) +
      (sig[0] === 'A' ? 'B' : 'A') + sig.slice(1);
    for (const [what, token] of [['tampered JWT', tampered], ['not a JWT', 'Bearer not.a.jwt']]) {
      const err = await clients.connectError({ token });
      assert.equal(err.message, 'Invalid credentials', what);
      assert.deepEqual(err.data, { errorCode: 'UNAUTHORIZED' }, what);
    }
    // A bad payload token is refused even when the header holds a good one.
    const downgrade = await clients.connectError({
      token: tampered, options: { extraHeaders: { authorization: `Bearer ${kim.token}` } },
    });
    assert.deepEqual(downgrade.data, { errorCode: 'UNAUTHORIZED' }, 'no silent downgrade to the header');

    // Guest tokens: unknown (well-formed) and malformed.
    for (const [what, token] of [
      ['unknown si_', `si_${randomBytes(32).toString('base64url')}`], ['malformed si_', 'si_short'],
    ]) {
      const err = await clients.connectError({ token });
      assert.equal(err.message, 'Invalid credentials', what);
      assert.deepEqual(err.data, { errorCode: 'SUPPORT_INQUIRY_TOKEN_INVALID' }, what);
    }

    // Another namespace, even with a good token: no data (what the JavaScript server sends).
    const other = await clients.connectError({ nsp: '/other', token: kim.token });
    assert.equal(other.message, 'Invalid namespace');
    assert.equal(other.data, undefined);

    await waitForMetrics(base,
      (m) => m.docket_ws_connect_errors_total === before.docket_ws_connect_errors_total + 6,
      'docket_ws_connect_errors_total grew by the 6 refusals');

    // No token (no auth payload, empty token, null token): connected, but anonymous.
    for (const [what, auth] of [['no auth', {}], ['empty token', { token: '' }], ['null token', { token: null }]]) {
      const anon = await clients.connect({ auth });
      assert.ok(anon.connected, what);
      assertRefused(await joinRequest(anon, request.id), 'UNAUTHORIZED', `${what}: request join`);
      assertRefused(await joinInquiry(anon, inquiry.id), 'UNAUTHORIZED', `${what}: inquiry join`);
      assertRefused(await syncRequest(anon, request.id, 0), 'UNAUTHORIZED', `${what}: sync`);
    }
    const anon = await clients.connect();
    assert.equal((await joinRequest(anon, request.id)).message, 'Authentication required');
  });
});

// ---------------------------------------------------------------------------------------
// 2. and 3. Room authorization

test('join request rooms: staff and the owning customer may; another customer, a guest and staff without the permission may not', async () => {
  await withServer({}, async ({ base, clients }) => {
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const lee = await registerCustomer(base, 'lee@example.com', 'Lee');
    const inquiriesOnly = await createStaff(base, admin.token, {
      email: 'reader@example.com', permissions: ['SupportInquiries_READ'],
    });
    const inquiry = await createInquiry(base, { subject: 'Guest', message: 'Hi' });
    const request = await openRequest(base, kim.token);
    const room = requestRoom(request.id);

    const before = await metrics(base);
    const staff = await clients.connect({ token: admin.token });
    assertJoined(await joinRequest(staff, request.id), room, 'bootstrap admin');
    assertJoined(await joinRequest(staff, request.id), room, 'joining again is fine');
    const owner = await clients.connect({ token: kim.token });
    assertJoined(await joinRequest(owner, request.id), room, 'owning customer');
    assert.equal((await syncRequest(owner, request.id, 0)).ok, true, 'owner sync');

    const other = await clients.connect({ token: lee.token });
    assertRefused(await joinRequest(other, request.id), 'SUPPORT_REQUEST_NOT_FOUND', 'another customer');
    assertRefused(await syncRequest(other, request.id, 0), 'SUPPORT_REQUEST_NOT_FOUND', 'another customer, sync');
    assertRefused(await joinRequest(other, 987654), 'SUPPORT_REQUEST_NOT_FOUND', 'a request that does not exist');

    const guest = await clients.connect({ token: inquiry.inquiryAccessToken });
    const refused = await joinRequest(guest, request.id);
    assertRefused(refused, 'FORBIDDEN', 'guest');
    assert.equal(refused.message, 'Access denied');
    assertRefused(await syncRequest(guest, request.id, 0), 'FORBIDDEN', 'guest sync');

    const reader = await clients.connect({ token: inquiriesOnly.token });
    const noPerm = await joinRequest(reader, request.id);
    assertRefused(noPerm, 'FORBIDDEN', 'staff without SupportRequests_READ');
    assert.equal(noPerm.message, 'This room needs the SupportRequests_READ permission');

    // Validation comes first.
    assertRefused(await joinRequest(owner, String(request.id)), 'VALIDATION_ERROR', 'id as a string');
    assertRefused(await ack(owner, 'support:join_request_messages', 'x'), 'VALIDATION_ERROR', 'not an object');
    assertRefused(await ack(owner, 'support:nope', {}), 'UNKNOWN_EVENT', 'unknown event');

    // lee x2 (join), guest (join), reader (join) = 4 joins refused (syncs are counted apart).
    await waitForMetrics(base,
      (m) => m.docket_ws_joins_refused_total === before.docket_ws_joins_refused_total + 4,
      'docket_ws_joins_refused_total grew by 4');
  });
});

test('join inquiry rooms: staff, the owning customer and the right guest token may; others may not; a revoked token ends the guest session', async () => {
  await withServer({}, async ({ base, clients, logEpoch }) => {
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const lee = await registerCustomer(base, 'lee@example.com', 'Lee');
    const owned = await createInquiry(base, { subject: 'Mine', message: 'From Kim' }, kim.token);
    const a = await createInquiry(base, { subject: 'Guest A', message: 'From A' });
    const b = await createInquiry(base, { subject: 'Guest B', message: 'From B' });

    const staff = await clients.connect({ token: admin.token });
    assertJoined(await joinInquiry(staff, owned.id), inquiryRoom(owned.id), 'staff, customer inquiry');
    assertJoined(await joinInquiry(staff, a.id), inquiryRoom(a.id), 'staff, guest inquiry');

    const kimSocket = await clients.connect({ token: kim.token });
    assertJoined(await joinInquiry(kimSocket, owned.id), inquiryRoom(owned.id), 'owning customer');
    assertRefused(await joinInquiry(kimSocket, a.id), 'SUPPORT_INQUIRY_ACCESS_DENIED', 'customer on a guest inquiry');
    assertRefused(await joinInquiry(kimSocket, 987654), 'SUPPORT_INQUIRY_NOT_FOUND', 'unknown inquiry');
    const leeSocket = await clients.connect({ token: lee.token });
    assertRefused(await joinInquiry(leeSocket, owned.id), 'SUPPORT_INQUIRY_ACCESS_DENIED', 'another customer');
    assertRefused(await syncInquiry(leeSocket, owned.id, 0), 'SUPPORT_INQUIRY_ACCESS_DENIED', 'another customer, sync');

    const guestA = await clients.connect({ token: a.inquiryAccessToken });
    assertJoined(await joinInquiry(guestA, a.id), inquiryRoom(a.id), 'guest with the right token');
    assert.equal((await syncInquiry(guestA, a.id, 0)).ok, true, 'guest sync');
    assertRefused(await joinInquiry(guestA, b.id), 'SUPPORT_INQUIRY_ACCESS_DENIED', "guest on another inquiry");
    assertRefused(await syncInquiry(guestA, b.id, 0), 'SUPPORT_INQUIRY_ACCESS_DENIED', "guest sync of another inquiry");
    assertRefused(await joinInquiry(guestA, owned.id), 'SUPPORT_INQUIRY_ACCESS_DENIED', "guest on a customer's inquiry");
    const guestA2 = await clients.connect({ token: `Bearer ${a.inquiryAccessToken}` });
    assertJoined(await joinInquiry(guestA2, a.id), inquiryRoom(a.id), 'second guest connection');
    const guestB = await clients.connect({ token: b.inquiryAccessToken });
    assertJoined(await joinInquiry(guestB, b.id), inquiryRoom(b.id), 'guest B');
    const recB = record(guestB);

    // Revocation: every guest connection of A is taken out of the namespace at once with
    // DISCONNECT (reason "io server disconnect"); B is untouched. A join or sync with the
    // revoked token therefore cannot happen on the old session: the client must CONNECT
    // again, which is refused with SUPPORT_INQUIRY_TOKEN_INVALID (docs/realtime.md,
    // "Token revocation").
    const gone1 = once(guestA, 'disconnect', 'guest A disconnect');
    const gone2 = once(guestA2, 'disconnect', 'second guest A disconnect');
    const revoked = await call(base, 'POST', `${A}/${a.id}/revoke-token`, { token: admin.token });
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    assert.equal((await gone1)[0], 'io server disconnect');
    assert.equal((await gone2)[0], 'io server disconnect');
    assert.equal(guestA.connected, false);

    guestA.connect(); // the same socket, the same (revoked) token
    const [again] = await once(guestA, 'connect_error', 'reconnect with the revoked token');
    assert.equal(again.message, 'Invalid credentials');
    assert.deepEqual(again.data, { errorCode: 'SUPPORT_INQUIRY_TOKEN_INVALID' });
    const fresh = await clients.connectError({ token: a.inquiryAccessToken });
    assert.deepEqual(fresh.data, { errorCode: 'SUPPORT_INQUIRY_TOKEN_INVALID' }, 'new connection, revoked token');

    // Guest B still connected and still receiving.
    assert.ok(guestB.connected, 'guest B stays connected');
    const reply = await adminReply(base, admin.token, b.id, 'Still here for B');
    const delta = await recB.next(DELTA_INQUIRY, (d) => d.eventId === reply.eventId, 'B delta');
    assert.equal(delta.logEpoch, logEpoch);
  });
});

test('a guest keeps the closed conversation: join and sync after close; spam ends the session', async () => {
  await withServer({}, async ({ base, clients }) => {
    const admin = await loginAdmin(base);
    const g = await createInquiry(base, { subject: 'Closing soon', message: 'Hello' });
    const reply = await adminReply(base, admin.token, g.id, 'Anything else?');
    const closed = await setStatus(base, admin.token, g.id, 'closed');
    assert.equal(closed.status, 200, JSON.stringify(closed.body));

    // Seed 000 §5: closing changes the status only; the guest's token still joins the
    // room and replays the thread with sync.
    const guest = await clients.connect({ token: g.inquiryAccessToken });
    assertJoined(await joinInquiry(guest, g.id), inquiryRoom(g.id), 'guest joins a closed inquiry');
    const replay = await syncInquiry(guest, g.id, 0);
    assert.equal(replay.ok, true, JSON.stringify(replay));
    assert.ok(replay.events.some((e) => e.eventId === reply.eventId), 'the staff reply is replayed');

    // Spam revokes: the guest's session ends and the token is refused from then on.
    const s = await createInquiry(base, { subject: 'Cheap watches', message: 'Buy' });
    const spamGuest = await clients.connect({ token: s.inquiryAccessToken });
    assertJoined(await joinInquiry(spamGuest, s.id), inquiryRoom(s.id), 'guest before spam');
    const gone = once(spamGuest, 'disconnect', 'spam guest disconnect');
    assert.equal((await setStatus(base, admin.token, s.id, 'spam')).status, 200);
    assert.equal((await gone)[0], 'io server disconnect');
    const refused = await clients.connectError({ token: s.inquiryAccessToken });
    assert.deepEqual(refused.data, { errorCode: 'SUPPORT_INQUIRY_TOKEN_INVALID' });
  });
});

// ---------------------------------------------------------------------------------------
// 4. and 5. Live deltas

test('request deltas: every joined client gets each REST reply with its eventId and REST shape; a client that left and a client in another room get nothing', async () => {
  await withServer({}, async ({ base, clients, logEpoch }) => {
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const lee = await registerCustomer(base, 'lee@example.com', 'Lee');
    const request = await openRequest(base, kim.token);
    const leeRequest = await openRequest(base, lee.token, 'Lee first');
    const id = request.id;

    const joined = {};
    for (const [name, token, rid] of [['kim', kim.token, id], ['kim2', kim.token, id],
      ['staff', admin.token, id], ['lee', lee.token, leeRequest.id]]) {
      const socket = await clients.connect({ token });
      joined[name] = { socket, rec: record(socket) };
      assertJoined(await joinRequest(socket, rid), requestRoom(rid), name);
    }
    const inRoom = ['kim', 'kim2', 'staff'];
    const before = await metrics(base);

    const customerReply = await replyRequest(base, kim.token, id, 'Customer says hi');
    const staffReply = await replyRequest(base, admin.token, id, 'Staff answers', { staff: true });
    assert.equal(staffReply.message.senderType, 'admin');
    for (const name of inRoom) {
      for (const [what, posted] of [['customer reply', customerReply], ['staff reply', staffReply]]) {
        const delta = await joined[name].rec.next(DELTA_REQUEST,
          (d) => d.eventId === posted.message.eventId, `${name}: ${what}`);
        assertRequestDelta(delta, { id, message: posted.message, logEpoch }, `${name}: ${what}`);
      }
    }
    // Exactly once each, in log order.
    for (const name of inRoom) {
      assert.deepEqual(joined[name].rec.of(DELTA_REQUEST).map((d) => d.eventId),
        [customerReply.message.eventId, staffReply.message.eventId], `${name} got each delta once`);
    }
    // The REST detail has the same message objects.
    const rest = await requestMessages(base, admin.token, id);
    assert.deepEqual(rest.slice(-2), [customerReply.message, staffReply.message]);
    await waitForMetrics(base,
      (m) => m.docket_ws_deltas_sent_total === before.docket_ws_deltas_sent_total + 6,
      'docket_ws_deltas_sent_total grew by 2 deltas x 3 members');

    // kim2 leaves; the next reply reaches kim and staff, not kim2; lee never gets any.
    assert.deepEqual(await ack(joined.kim2.socket, 'support:leave_request_messages', { supportRequestId: id }),
      { ok: true });
    assert.deepEqual(await ack(joined.kim2.socket, 'support:leave_request_messages', { supportRequestId: id }),
      { ok: true }, 'leaving a room one is not in is fine');
    const later = await replyRequest(base, admin.token, id, 'After kim2 left', { staff: true });
    for (const name of ['kim', 'staff']) {
      await joined[name].rec.next(DELTA_REQUEST, (d) => d.eventId === later.message.eventId, `${name}: later`);
    }

    // "Got nothing" is checked against a marker, not a quiet time: the feed sends each
    // connection its events in log order, so what a client would have got of an earlier
    // message arrives before a later message it does get.
    // And lee's own room works: lee's reply reaches lee, after nothing else.
    const leeReply = await replyRequest(base, lee.token, leeRequest.id, 'Lee again');
    const leeDelta = await joined.lee.rec.next(DELTA_REQUEST,
      (d) => d.eventId === leeReply.message.eventId, 'lee delta');
    assertRequestDelta(leeDelta, { id: leeRequest.id, message: leeReply.message, logEpoch }, 'lee');
    assert.deepEqual(joined.lee.rec.events, [{ name: DELTA_REQUEST, arg: leeDelta }],
      'a client in another room got nothing');
    // kim2 joins again for a marker in the room it had left.
    assertJoined(await joinRequest(joined.kim2.socket, id), requestRoom(id), 'kim2 again');
    const marker = await replyRequest(base, admin.token, id, 'Marker', { staff: true });
    for (const name of inRoom) {
      await joined[name].rec.next(DELTA_REQUEST, (d) => d.eventId === marker.message.eventId, `${name}: marker`);
    }
    assert.deepEqual(joined.kim2.rec.of(DELTA_REQUEST).map((d) => d.eventId),
      [customerReply.message.eventId, staffReply.message.eventId, marker.message.eventId],
      'kim2 got nothing after leaving');
    for (const name of inRoom) {
      assert.ok(!joined[name].rec.of(DELTA_REQUEST).some((d) => d.room === requestRoom(leeRequest.id)),
        `${name} got nothing of lee's room`);
    }
  });
});

test("inquiry deltas carry the trackingCode; a guest receives staff replies live and staff the guest's", async () => {
  await withServer({}, async ({ base, clients, logEpoch }) => {
    const admin = await loginAdmin(base);
    const inquiry = await createInquiry(base, { subject: 'Parcel', message: 'Where is it?' });
    const room = inquiryRoom(inquiry.id);

    const guest = await clients.connect({ token: inquiry.inquiryAccessToken });
    const guestRec = record(guest);
    assertJoined(await joinInquiry(guest, inquiry.id), room, 'guest');
    const staff = await clients.connect({ token: admin.token });
    const staffRec = record(staff);
    assertJoined(await joinInquiry(staff, inquiry.id), room, 'staff');

    const reply = await adminReply(base, admin.token, inquiry.id, 'It ships tomorrow');
    const delta = await guestRec.next(DELTA_INQUIRY, (d) => d.eventId === reply.eventId, 'guest: admin reply');
    assert.deepEqual(delta, {
      eventId: reply.eventId, logEpoch, room, trackingCode: inquiry.trackingCode, message: reply,
    });
    assert.equal(delta.message.senderType, 'admin');
    assertNoHashes(delta, 'inquiry delta');

    const posted = await call(base, 'POST', `/api/support-inquiries/${inquiry.id}/messages`, {
      token: inquiry.inquiryAccessToken, body: { message: 'Thanks!' },
    });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    const visitor = await staffRec.next(DELTA_INQUIRY, (d) => d.eventId === posted.body.data.eventId, 'staff: guest message');
    assert.deepEqual(visitor, {
      eventId: posted.body.data.eventId, logEpoch, room, trackingCode: inquiry.trackingCode, message: posted.body.data,
    });
    await guestRec.next(DELTA_INQUIRY, (d) => d.eventId === posted.body.data.eventId, 'guest: own message');
  });
});

// ---------------------------------------------------------------------------------------
// 6. - 9. Dedupe and sync

test('dedupe: live deltas plus a sync from an older eventId, deduped by eventId, equal the REST message list', async () => {
  await withServer({}, async ({ base, clients, logEpoch }) => {
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const request = await openRequest(base, kim.token, 'One');
    const id = request.id;
    const firstEventId = request.messages[0].eventId;

    const socket = await clients.connect({ token: kim.token });
    const rec = record(socket);
    assertJoined(await joinRequest(socket, id), requestRoom(id));
    const posted = [];
    for (const [i, staff] of [[2, true], [3, false], [4, true]]) {
      posted.push((await replyRequest(base, staff ? admin.token : kim.token, id, `Message ${i}`, { staff })).message);
    }
    const last = posted.at(-1).eventId;
    await rec.next(DELTA_REQUEST, (d) => d.eventId === last, 'the last live delta');
    const live = rec.of(DELTA_REQUEST);

    // At-least-once: the sync from an older position repeats deltas already received.
    const sync = await syncRequest(socket, id, firstEventId - 1, logEpoch);
    assert.equal(sync.ok, true, JSON.stringify(sync));
    assert.equal(sync.gapDetected, false);
    const liveIds = new Set(live.map((d) => d.eventId));
    assert.ok(sync.events.some((d) => liveIds.has(d.eventId)), 'the sync overlaps the live deltas');
    for (const d of sync.events.filter((e) => liveIds.has(e.eventId))) {
      assert.deepEqual(d, live.find((l) => l.eventId === d.eventId), 'a replayed delta equals the live one');
    }

    const byEventId = new Map();
    for (const d of [...live, ...sync.events]) if (!byEventId.has(d.eventId)) byEventId.set(d.eventId, d);
    const deduped = [...byEventId.values()].sort((x, y) => x.eventId - y.eventId).map((d) => d.message);
    const rest = await requestMessages(base, admin.token, id);
    assert.deepEqual(deduped.map((m) => m.id), rest.map((m) => m.id), 'ids and order');
    assert.deepEqual(deduped, rest, 'the messages themselves');
    assert.equal(rest.length, 4);
  });
});

test('sync replay: a client that was away gets exactly the missed messages in order from its lastEventId', async () => {
  await withServer({}, async ({ base, clients, logEpoch }) => {
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const request = await openRequest(base, kim.token);
    const id = request.id;

    const first = await clients.connect({ token: kim.token });
    const rec = record(first);
    assertJoined(await joinRequest(first, id), requestRoom(id));
    const seen = await replyRequest(base, admin.token, id, 'Seen live', { staff: true });
    const lastSeen = (await rec.next(DELTA_REQUEST, (d) => d.eventId === seen.message.eventId, 'live delta')).eventId;
    first.disconnect();
    assert.equal(first.connected, false);

    const missed = [];
    for (let i = 1; i <= 4; i++) {
      const staff = i % 2 === 1;
      missed.push((await replyRequest(base, staff ? admin.token : kim.token, id, `Missed ${i}`, { staff })).message);
    }

    const second = await clients.connect({ token: kim.token });
    assertJoined(await joinRequest(second, id), requestRoom(id));
    const sync = await syncRequest(second, id, lastSeen, logEpoch);
    assert.equal(sync.ok, true, JSON.stringify(sync));
    assert.equal(sync.gapDetected, false);
    assert.ok(!('gapReason' in sync), 'no gapReason without a gap');
    assert.equal(sync.logEpoch, logEpoch);
    assert.deepEqual(sync.events.map((d) => d.eventId), missed.map((m) => m.eventId), 'exactly the missed ones, in order');
    sync.events.forEach((d, i) => assertRequestDelta(d, { id, message: missed[i], logEpoch }, `replayed ${i}`));
    assert.equal(sync.lastEventId, missed.at(-1).eventId);

    // Nothing new: no events, and the cursor does not move backwards.
    const again = await syncRequest(second, id, sync.lastEventId, logEpoch);
    assert.deepEqual(again, { ok: true, events: [], gapDetected: false, lastEventId: sync.lastEventId, logEpoch });

    // The same for an inquiry room (deltas with the trackingCode).
    const inquiry = await createInquiry(base, { subject: 'Away', message: 'Hello' });
    const guest = await clients.connect({ token: inquiry.inquiryAccessToken });
    const since = inquiry.messages.at(-1).eventId;
    const r1 = await adminReply(base, admin.token, inquiry.id, 'Reply 1');
    const r2 = await adminReply(base, admin.token, inquiry.id, 'Reply 2');
    const inq = await syncInquiry(guest, inquiry.id, since, logEpoch);
    assert.equal(inq.gapDetected, false, JSON.stringify(inq));
    assert.deepEqual(inq.events, [r1, r2].map((m) => ({
      eventId: m.eventId, logEpoch, room: inquiryRoom(inquiry.id), trackingCode: inquiry.trackingCode, message: m,
    })));
    assert.equal(inq.lastEventId, r2.eventId);
  });
});

test('gap: a logEpoch of another log', async () => {
  await withServer({}, async ({ base, clients, logEpoch }) => {
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const request = await openRequest(base, kim.token);
    const reply = await replyRequest(base, kim.token, request.id, 'Second');
    const socket = await clients.connect({ token: kim.token });

    const gap = await syncRequest(socket, request.id, request.messages[0].eventId, 'f'.repeat(32));
    assert.deepEqual(gap, {
      ok: true, events: [], gapDetected: true, gapReason: 'epoch', lastEventId: reply.message.eventId, logEpoch,
    });
    // This log's epoch, or null (absent), is no gap.
    for (const epoch of [logEpoch, null]) {
      const ok = await syncRequest(socket, request.id, request.messages[0].eventId, epoch);
      assert.equal(ok.gapDetected, false, `${epoch}: ${JSON.stringify(ok)}`);
      assert.deepEqual(ok.events.map((d) => d.eventId), [reply.message.eventId]);
    }
  });
});

test('gap: sinceEventId ahead of the head', async () => {
  await withServer({}, async ({ base, clients, logEpoch }) => {
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const request = await openRequest(base, kim.token);
    const socket = await clients.connect({ token: kim.token });
    const gap = await syncRequest(socket, request.id, 1e9, logEpoch);
    assert.deepEqual(gap, {
      ok: true, events: [], gapDetected: true, gapReason: 'ahead', lastEventId: request.messages[0].eventId, logEpoch,
    });
  });
});

test('gap: more missed messages than DOCKET_WS_REPLAY_MAX_EVENTS (3) is a gap; exactly 3 is replayed', async () => {
  await withServer({ DOCKET_WS_REPLAY_MAX_EVENTS: '3' }, async ({ base, clients, logEpoch }) => {
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const request = await openRequest(base, kim.token, 'Zero');
    const since = request.messages[0].eventId;
    const posted = [];
    for (let i = 1; i <= 4; i++) posted.push((await replyRequest(base, kim.token, request.id, `Missed ${i}`)).message);
    const socket = await clients.connect({ token: kim.token });

    const gap = await syncRequest(socket, request.id, since, logEpoch);
    assert.deepEqual(gap, {
      ok: true, events: [], gapDetected: true, gapReason: 'bound', lastEventId: posted.at(-1).eventId, logEpoch,
    });
    const fromZero = await syncRequest(socket, request.id, 0, logEpoch);
    assert.equal(fromZero.gapReason, 'bound', JSON.stringify(fromZero));
    assert.deepEqual(fromZero.events, []);

    const three = await syncRequest(socket, request.id, posted[0].eventId, logEpoch);
    assert.equal(three.gapDetected, false, JSON.stringify(three));
    assert.deepEqual(three.events.map((d) => d.message), posted.slice(1));
    assert.equal(three.lastEventId, posted.at(-1).eventId);
  });
});

test('gap: a sinceEventId older than DOCKET_WS_REPLAY_WINDOW_SECONDS (2 s) is a gap, even with nothing new', async () => {
  await withServer({ DOCKET_WS_REPLAY_WINDOW_SECONDS: '2' }, async ({ base, clients, logEpoch }) => {
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const request = await openRequest(base, kim.token, 'Zero');
    const since = request.messages[0].eventId;
    const socket = await clients.connect({ token: kim.token });
    const fresh = await syncRequest(socket, request.id, since, logEpoch);
    assert.equal(fresh.gapDetected, false, `inside the window: ${JSON.stringify(fresh)}`);

    // Not synchronization: the window is wall-clock time that has to pass.
    await sleep(2500);
    const stale = await syncRequest(socket, request.id, since, logEpoch);
    assert.deepEqual(stale, {
      ok: true, events: [], gapDetected: true, gapReason: 'window', lastEventId: since, logEpoch,
    });
    // A newer position inside the window replays again.
    const reply = (await replyRequest(base, kim.token, request.id, 'Inside the window')).message;
    const later = (await replyRequest(base, kim.token, request.id, 'After it')).message;
    const ok = await syncRequest(socket, request.id, reply.eventId, logEpoch);
    assert.equal(ok.gapDetected, false, JSON.stringify(ok));
    assert.deepEqual(ok.events.map((d) => d.message), [later]);
  });
});

test('sync across a restart: the replay reads the log, with the same logEpoch', async () => {
  const first = await startRealtime();
  let second;
  const clients1 = new Clients(first.baseUrl);
  let clients2;
  try {
    const base1 = first.baseUrl;
    const logEpoch = first.ready.logEpoch;
    const admin = await loginAdmin(base1);
    const kim = await registerCustomer(base1, 'kim@example.com', 'Kim');
    const request = await openRequest(base1, kim.token);
    const posted = [];
    for (let i = 1; i <= 3; i++) {
      posted.push((await replyRequest(base1, admin.token, request.id, `Before restart ${i}`, { staff: true })).message);
    }
    const socket1 = await clients1.connect({ token: kim.token });
    const before = await syncRequest(socket1, request.id, request.messages[0].eventId, logEpoch);
    assert.equal(before.gapDetected, false, JSON.stringify(before));
    assert.equal(before.events.length, 3);
    clients1.close();
    const stopped = await first.stop();
    assert.equal(stopped.code, 0, `first server exit ${JSON.stringify(stopped)}`);

    second = await startRealtime({ dataDir: first.dataDir });
    assert.equal(second.ready.logEpoch, logEpoch, 'the same log, the same epoch');
    clients2 = new Clients(second.baseUrl);
    const kimAgain = (await call(second.baseUrl, 'POST', '/api/auth/login', {
      body: { email: 'kim@example.com', password: 'kim-password-1' },
    })).body.data.token;
    const socket2 = await clients2.connect({ token: kimAgain });
    assertJoined(await joinRequest(socket2, request.id), requestRoom(request.id));
    const after = await syncRequest(socket2, request.id, request.messages[0].eventId, logEpoch);
    assert.deepEqual(after, before, 'the same answer after the restart');
    assert.deepEqual(after.events.map((d) => d.message), posted);

    // Live delivery works on the restarted server too.
    const rec = record(socket2);
    const live = await replyRequest(second.baseUrl, kimAgain, request.id, 'After restart');
    const delta = await rec.next(DELTA_REQUEST, (d) => d.eventId === live.message.eventId, 'delta after restart');
    assertRequestDelta(delta, { id: request.id, message: live.message, logEpoch }, 'after restart');
  } finally {
    clients1.close();
    clients2?.close();
    await second?.cleanup();
    await first.cleanup();
  }
});

// ---------------------------------------------------------------------------------------
// 10. Staff feed

test('staff feed: request created/assigned/status_changed and inquiry created reach staff, without secrets; customers get none', async () => {
  await withServer({}, async ({ base, clients, logEpoch }) => {
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const inquiriesOnly = await createStaff(base, admin.token, {
      email: 'reader@example.com', permissions: ['SupportInquiries_READ'],
    });
    const staff = await clients.connect({ token: admin.token });
    const staffRec = record(staff);
    const reader = await clients.connect({ token: inquiriesOnly.token });
    const readerRec = record(reader);
    const customer = await clients.connect({ token: kim.token });
    const customerRec = record(customer);
    const guestInquiry = await createInquiry(base, { subject: 'Old guest', message: 'x' });
    const guest = await clients.connect({ token: guestInquiry.inquiryAccessToken });
    const guestRec = record(guest);

    const request = await openRequest(base, kim.token, 'Please help', 'Staff feed');
    const created = await staffRec.next('support.request.created', (e) => e.supportRequestId === request.id);
    assert.equal(created.type, 'support.request.created');
    assert.equal(created.logEpoch, logEpoch);
    assert.ok(Number.isInteger(created.eventId));
    assert.ok(!Number.isNaN(Date.parse(created.occurredAt)), created.occurredAt);
    assert.equal(created.data.supportRequestId, request.id);
    assert.equal(created.data.ticketNumber, request.ticketNumber);
    assert.equal(created.data.customerId, kim.id);

    const assigned = await call(base, 'PATCH', `/api/admin/support-requests/${request.id}/assign`, {
      token: admin.token, body: { assignedAdminId: admin.id },
    });
    assert.equal(assigned.status, 200, JSON.stringify(assigned.body));
    const assignedEvent = await staffRec.next('support.request.assigned', (e) => e.supportRequestId === request.id);
    assert.equal(assignedEvent.data.assignedAdminId, admin.id);

    const status = await call(base, 'PATCH', `/api/admin/support-requests/${request.id}/status`, {
      token: admin.token, body: { status: 'in_progress' },
    });
    assert.equal(status.status, 200, JSON.stringify(status.body));
    const statusEvent = await staffRec.next('support.request.status_changed', (e) => e.supportRequestId === request.id);
    assert.equal(statusEvent.data.from, 'open');
    assert.equal(statusEvent.data.to, 'in_progress');

    const inquiry = await createInquiry(base, {
      subject: 'New guest', message: 'Hello', guestName: 'Ana', guestEmail: 'ana@example.com',
    });
    const inquiryEvent = await staffRec.next('support.inquiry.created', (e) => e.supportInquiryId === inquiry.id);
    assert.equal(inquiryEvent.data.trackingCode, inquiry.trackingCode);
    assert.equal(inquiryEvent.data.guestEmail, 'ana@example.com');
    await readerRec.next('support.inquiry.created', (e) => e.supportInquiryId === inquiry.id, 'reader: inquiry created');

    for (const event of [created, assignedEvent, statusEvent, inquiryEvent]) {
      const text = JSON.stringify(event);
      assert.ok(!/hash/i.test(text), `no "hash" in ${text}`);
      assert.ok(!/token/i.test(text), `no "token" in ${text}`);
      assert.ok(!/salt/i.test(text), `no "salt" in ${text}`);
      assert.ok(!text.includes(inquiry.inquiryAccessToken), 'no raw guest token');
      assertNoHashes(event, event.type);
    }

    // Nobody else: customers and guests get no staff event; a staff member without
    // SupportRequests_READ gets no request events. Checked against markers, not a quiet
    // time: the feed sends each connection its events in log order, so a staff event
    // would have arrived before a later message delta the client does get (the reader's
    // marker is the inquiry's creation, the last of the staff events).
    assertJoined(await joinRequest(customer, request.id), requestRoom(request.id), 'customer');
    assertJoined(await joinInquiry(guest, guestInquiry.id), inquiryRoom(guestInquiry.id), 'guest');
    const toCustomer = await replyRequest(base, admin.token, request.id, 'Marker for the customer', { staff: true });
    const toGuest = await adminReply(base, admin.token, guestInquiry.id, 'Marker for the guest');
    await customerRec.next(DELTA_REQUEST, (d) => d.eventId === toCustomer.message.eventId, 'customer: marker');
    await guestRec.next(DELTA_INQUIRY, (d) => d.eventId === toGuest.eventId, 'guest: marker');
    for (const [who, rec] of [['customer', customerRec], ['guest', guestRec]]) {
      assert.deepEqual(rec.events.filter((e) => STAFF_EVENTS.includes(e.name)), [], `${who} got staff events`);
    }
    assert.deepEqual(readerRec.events.filter((e) => e.name.startsWith('support.request.')), [],
      'inquiries-only staff got request events');
  });
});

// ---------------------------------------------------------------------------------------
// 11. Slow consumer

// Resident set size of a process, in bytes (Linux).
function rss(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(m[1]) * 1024;
}

test('a slow consumer is disconnected at DOCKET_WS_SEND_QUEUE_BYTES; the server keeps serving', async (t) => {
  await withServer({ DOCKET_WS_SEND_QUEUE_BYTES: '65536' }, async ({ base, server, clients }) => {
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    // Many rooms, so that no REST answer (a reply answers the whole request with its
    // messages) grows large; the slow and the fast client join all of them.
    const ROOMS = 40;
    const requests = [];
    for (let i = 0; i < ROOMS; i++) requests.push(await openRequest(base, kim.token, `Room ${i}`));

    // Node 20 has no global WebSocket (and undici's would not expose its socket to
    // pause). So the slow client is a socket.io-client joined over Socket.IO whose Node
    // transport, the `ws` package, is then paused: ws.WebSocket#pause stops reading the
    // TCP socket, so the server's writes back up.
    const slow = await clients.connect({ token: kim.token });
    const fast = await clients.connect({ token: admin.token });
    const fastRec = record(fast);
    for (const r of requests) {
      assertJoined(await joinRequest(slow, r.id), requestRoom(r.id), 'slow');
      assertJoined(await joinRequest(fast, r.id), requestRoom(r.id), 'fast');
    }
    const transport = slow.io.engine.transport;
    assert.equal(transport.name, 'websocket');
    assert.equal(typeof transport.ws?.pause, 'function', 'the ws transport can be paused');
    transport.ws.pause();

    const rssBefore = rss(server.proc.pid);
    const before = await metrics(base);
    assert.equal(before.docket_ws_closed_slow_consumer_total, 0);
    assert.equal(before.docket_ws_connections, 2);

    // The kernel's socket buffers (the server's send buffer autotunes up to
    // net.ipv4.tcp_wmem's max, 4 MiB by default) absorb megabytes before the server's
    // queue fills, so 200 x 4,000 characters is not enough here: post until the server
    // closes the slow connection, bounded by 1,600 messages of 4,900 characters (7.8 MB).
    // At most 4 posts are in flight, so no single commit group carries more than ~20 KB
    // of deltas: a burst above the 64 KiB queue would close even a client that reads.
    const text = 'x'.repeat(4900);
    const IN_FLIGHT = 4;
    const eventIds = [];
    let posts = 0;
    let closed = false;
    while (!closed && posts < 1600) {
      const batch = await Promise.all(Array.from({ length: IN_FLIGHT }, (_, i) => {
        const r = requests[(posts + i) % ROOMS];
        return replyRequest(base, admin.token, r.id, `${posts + i} ${text}`, { staff: true });
      }));
      eventIds.push(...batch.map((b) => b.message.eventId));
      posts += batch.length;
      if (posts % 40 === 0) closed = (await metrics(base)).docket_ws_closed_slow_consumer_total >= 1;
    }
    const after = await waitForMetrics(base, (m) => m.docket_ws_closed_slow_consumer_total >= 1,
      `docket_ws_closed_slow_consumer_total >= 1 after ${posts} posts`);
    t.diagnostic(`slow consumer closed after ${posts} posts`);
    assert.equal(after.docket_ws_closed_slow_consumer_total, 1, 'only the slow client was closed');
    await waitForMetrics(base, (m) => m.docket_ws_connections === 1, 'only the fast client is left');

    // The server still serves REST, and the other member of the rooms got every delta.
    assert.equal((await fetch(`${base}/healthz`)).status, 200);
    const detail = await call(base, 'GET', `/api/mobile/support-requests/${requests[0].id}`, { token: kim.token });
    assert.equal(detail.status, 200);
    const lastId = Math.max(...eventIds);
    await fastRec.next(DELTA_REQUEST, (d) => d.eventId === lastId, 'the fast client got the last delta');
    assert.deepEqual(fastRec.of(DELTA_REQUEST).map((d) => d.eventId).sort((x, y) => x - y),
      [...eventIds].sort((x, y) => x - y), 'the fast client got every delta');
    assert.ok(fast.connected);
    const growth = rss(server.proc.pid) - rssBefore;
    assert.ok(growth < 64 << 20, `server RSS grew by ${growth} bytes`);

    // Reading again, the slow client finds its connection closed.
    const slowGone = once(slow, 'disconnect', 'the slow client sees the close');
    transport.ws.resume();
    const [reason] = await slowGone;
    assert.equal(reason, 'transport close');
  });
});

// ---------------------------------------------------------------------------------------
// 12. Heartbeat

test('heartbeat: with 1 s ping interval and timeout a client that answers stays connected; one that does not is closed', async (t) => {
  await withServer({ DOCKET_WS_PING_INTERVAL_MS: '1000', DOCKET_WS_PING_TIMEOUT_MS: '1000' },
    async ({ base, clients }) => {
      const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
      const alive = await clients.connect({ token: kim.token });
      let pings = 0;
      alive.io.engine.on('ping', () => { pings += 1; });
      let disconnected = null;
      alive.on('disconnect', (reason) => { disconnected = reason; });

      // The mute client speaks Engine.IO over a plain websocket (the `ws` package),
      // CONNECTs to the namespace and never answers a ping. (A socket.io-client that
      // stops reading would not do: seeing no ping, it closes its side after the same
      // 2 s, and whichever timer fired first would decide how the connection ends.)
      const mute = new WebSocket(`${base.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`);
      mute.on('error', () => {});
      const muteGot = [];
      const muteConnected = withTimeout(new Promise((resolve) => mute.on('message', (data) => {
        const text = String(data);
        muteGot.push(text);
        if (text.startsWith('0{')) mute.send(`40${NSP},${JSON.stringify({ token: kim.token })}`);
        if (text.startsWith(`40${NSP},`)) resolve(text);
      })), 'the mute client connected');
      const muteClosed = withTimeout(new Promise((resolve) => mute.once('close', (code) => resolve(code))),
        "the mute client's websocket closed", 15000);
      muteClosed.catch(() => {});  // awaited below; no unhandled rejection if we fail first
      assert.match(await muteConnected, /"sid":/);

      // No fixed window: wait (generously, for a loaded machine) until the server has
      // closed the mute client for the ping timeout — a ping interval plus the timeout,
      // 2 s — and has pinged the answering one at least twice; that one has answered
      // every ping meanwhile, or it would have been closed the same way (which ends the
      // wait at once).
      const m = await waitForMetrics(base, (x) => disconnected !== null ||
        (x.docket_ws_closed_ping_timeout_total >= 1 && x.docket_ws_connections === 1 && pings >= 2),
      'the mute client closed for the ping timeout, the other one pinged twice', 15000);
      assert.equal(disconnected, null, 'the answering client was not disconnected');
      assert.ok(alive.connected);
      assert.ok(pings >= 2, `the server pinged ${pings} times`);
      assert.equal(m.docket_ws_closed_ping_timeout_total, 1);
      assert.equal(m.docket_ws_connections, 1);
      const closeCode = await muteClosed;
      assert.ok(muteGot.includes('2'), `the mute client was pinged: ${JSON.stringify(muteGot)}`);
      t.diagnostic(`mute client close code: ${closeCode}`);
      // And the answering client still works.
      const request = await openRequest(base, kim.token);
      assertJoined(await withTimeout(joinRequest(alive, request.id), 'join'), requestRoom(request.id));
    });
});

test('connect timeout: a websocket that never CONNECTs to the namespace is closed after DOCKET_WS_CONNECT_TIMEOUT_MS; a connected one stays', async () => {
  await withServer({ DOCKET_WS_CONNECT_TIMEOUT_MS: '1000' }, async ({ base, clients }) => {
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const connected = await clients.connect({ token: kim.token });
    // The Manager opens the Engine.IO connection; the socket never sends its CONNECT.
    const idle = clients.open({ token: kim.token, options: { autoConnect: false } });
    // A generous deadline: the close is timed by the server, a loaded machine only
    // delays its arrival.
    const engineClosed = once(idle.io, 'close', 'the idle websocket is closed', 15000);
    const opened = Date.now();
    idle.io.open();
    const [reason] = await engineClosed;
    const waited = Date.now() - opened;
    assert.equal(reason, 'transport close', 'closed by the server');
    // Not before the timeout; the upper bound only tells it from the heartbeat's close
    // (25 s + 20 s by default), so that it holds on a loaded machine.
    assert.ok(waited >= 900 && waited < 15000, `closed after ${waited} ms`);
    // The client may see the close before the server has counted it.
    const m = await waitForMetrics(base, (x) => x.docket_ws_closed_connect_timeout_total >= 1 &&
      x.docket_ws_connections === 1, 'the idle websocket counted as closed for the connect timeout');
    assert.equal(m.docket_ws_closed_connect_timeout_total, 1);
    assert.ok(connected.connected, 'the connected socket stays');
    assert.equal(m.docket_ws_connections, 1);
  });
});
