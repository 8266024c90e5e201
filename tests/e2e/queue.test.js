// The work queue and its realtime feed against the real binary, with the npm
// socket.io-client: automatic assignment of the oldest highest-priority item to an agent
// who goes available (ticket-assigned), agent status over REST and the agent-status
// client event (agent-status-changed to admins), new-ticket and queue-updated to agents,
// and ticket-updated to the owning customer only.
//
// Every server runs the queue sweep each second (DOCKET_QUEUE_INTERVAL_SECONDS=1); every
// wait is bounded (lib/realtime.js WAIT_MS); every socket and server is closed in
// `finally` (withServer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createStaff, loginAdmin, registerCustomer } from './lib/inquiries.js';
import {
  ack, assertJoined, assertRefused, joinRequest, metrics, record, replyRequest, requestRoom, waitForMetrics,
  withServer,
} from './lib/realtime.js';

const ENV = { DOCKET_QUEUE_INTERVAL_SECONDS: '1' };
// socket.io-client's default transports (long-polling, then the websocket upgrade).
const DEFAULT_TRANSPORTS = { transports: ['polling', 'websocket'] };
const ASSIGNED = 'support.request.assigned';

// POST /api/mobile/support-requests with a category; asserts 201 and answers data.
async function openTicket(base, customerToken, category, subject) {
  const res = await call(base, 'POST', '/api/mobile/support-requests', {
    token: customerToken, body: { subject, category, message: `${subject}: please help` },
  });
  assert.equal(res.status, 201, JSON.stringify(res.body));
  return res.body.data;
}

async function agentProfile(base, token) {
  const res = await call(base, 'GET', '/api/agents/me', { token });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.equal(res.body.success, true);
  return res.body.data;
}

async function queueItems(base, adminToken) {
  const res = await call(base, 'GET', '/api/admin/queue', { token: adminToken });
  assert.equal(res.status, 200, JSON.stringify(res.body));
  assert.ok(Array.isArray(res.body.data), JSON.stringify(res.body));
  return res.body.data;
}

// ---------------------------------------------------------------------------------------
// Automatic assignment

test('an agent going available receives ticket-assigned for the oldest highest-priority item', async () => {
  await withServer(ENV, async ({ base, clients, logEpoch }) => {
    const admin = await loginAdmin(base);
    const agent = await createStaff(base, admin.token, { email: 'agent@example.com' });
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');

    const patched = await call(base, 'PATCH', `/api/admin/agents/${agent.id}`, {
      token: admin.token, body: { maxOpenItems: 1 },
    });
    assert.equal(patched.status, 200, JSON.stringify(patched.body));
    const before = await agentProfile(base, agent.token);
    assert.equal(before.accountId, agent.id);
    assert.equal(before.status, 'offline', 'a new agent starts offline');
    assert.equal(before.maxOpenItems, 1);
    assert.equal(before.openItems, 0);

    const low = await openTicket(base, kim.token, 'general', 'Low first');
    const high1 = await openTicket(base, kim.token, 'technical', 'High oldest');
    const high2 = await openTicket(base, kim.token, 'technical', 'High newer');
    assert.equal(low.priority, 'low');
    assert.equal(high1.priority, 'high');
    assert.equal(high2.priority, 'high');

    // Nobody is available: all three wait, high first, oldest first.
    assert.deepEqual((await queueItems(base, admin.token)).map((i) => i.id), [high1.id, high2.id, low.id],
      'the queue before anyone is available');

    const socket = await clients.connect({ token: agent.token, options: DEFAULT_TRANSPORTS });
    const rec = record(socket);

    const status = await call(base, 'PATCH', '/api/agents/me/status', {
      token: agent.token, body: { status: 'available' },
    });
    assert.equal(status.status, 200, JSON.stringify(status.body));

    const assigned = await rec.next('ticket-assigned', () => true, 'ticket-assigned to the agent');
    assert.ok(Number.isInteger(assigned.eventId), `numeric eventId: ${JSON.stringify(assigned)}`);
    assert.equal(assigned.logEpoch, logEpoch);
    assert.equal(assigned.type, ASSIGNED);
    assert.equal(typeof assigned.occurredAt, 'string');
    assert.deepEqual(assigned.item, { type: 'support_request', id: high1.id },
      `the oldest high item: ${JSON.stringify(assigned)}`);
    assert.equal(assigned.change, 'assignment');
    assert.equal(assigned.reason, 'auto');
    assert.equal(assigned.assignedAdminId, agent.id);
    assert.equal(assigned.previousAdminId, null);
    assert.equal(assigned.customerId, kim.id);

    const detail = await call(base, 'GET', `/api/admin/support-requests/${high1.id}`, { token: admin.token });
    assert.equal(detail.status, 200, JSON.stringify(detail.body));
    assert.equal(detail.body.data.assignedAdminId, agent.id);
    assert.deepEqual((await queueItems(base, admin.token)).map((i) => [i.id, i.priority]),
      [[high2.id, 'high'], [low.id, 'low']], 'the other two wait, high first');
    assert.equal((await agentProfile(base, agent.token)).openItems, 1);

    // At capacity: the sweeps that follow assign nothing more. Wait for a whole queue
    // run that started after this point (runs are counted as they start, one at a
    // time), then for a marker: a message in high1's room, later in the log than
    // anything that run assigned, so an assignment would have arrived before it.
    const runs = (await metrics(base)).docket_queue_runs_total;
    await waitForMetrics(base, (m) => m.docket_queue_runs_total >= runs + 2, 'a queue run after the assignment', 10000);
    assertJoined(await joinRequest(socket, high1.id), requestRoom(high1.id));
    const marker = await replyRequest(base, kim.token, high1.id, 'Marker');
    await rec.next('support.request_message.created', (d) => d.eventId === marker.message.eventId, 'the marker');
    assert.deepEqual(rec.of('ticket-assigned').map((e) => e.item.id), [high1.id], 'one assignment only');
    assert.equal((await queueItems(base, admin.token)).length, 2);
  });
});

// ---------------------------------------------------------------------------------------
// Agent status

test('admins see agent-status-changed; the agent-status client event acks', async () => {
  await withServer(ENV, async ({ base, clients, logEpoch }) => {
    const admin = await loginAdmin(base);
    const agent = await createStaff(base, admin.token, { email: 'agent@example.com' });
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');

    const adminSocket = await clients.connect({ token: admin.token });
    const adminRec = record(adminSocket);
    const agentSocket = await clients.connect({ token: agent.token });
    const agentRec = record(agentSocket);

    const accepted = await ack(agentSocket, 'agent-status', { status: 'busy' });
    assert.equal(accepted.ok, true, JSON.stringify(accepted));
    assert.equal(accepted.status, 'busy', JSON.stringify(accepted));
    const changed = await adminRec.next('agent-status-changed', (e) => e.accountId === agent.id,
      'agent-status-changed to the admin');
    assert.ok(Number.isInteger(changed.eventId), JSON.stringify(changed));
    assert.equal(changed.logEpoch, logEpoch);
    assert.equal(changed.type, 'agent.status_changed');
    assert.equal(typeof changed.occurredAt, 'string');
    assert.equal(changed.from, 'offline');
    assert.equal(changed.to, 'busy');
    assert.equal(changed.reason, 'self');
    // The ack also names the event of the change.
    if ('eventId' in accepted) assert.equal(accepted.eventId, changed.eventId, JSON.stringify(accepted));
    // The agent's own room gets it too.
    const own = await agentRec.next('agent-status-changed', (e) => e.eventId === changed.eventId,
      'agent-status-changed to the agent');
    assert.deepEqual(own, changed);
    assert.equal((await agentProfile(base, agent.token)).status, 'busy');

    assertRefused(await ack(agentSocket, 'agent-status', { status: 'asleep' }), 'VALIDATION_ERROR', 'unknown status');
    assert.equal((await agentProfile(base, agent.token)).status, 'busy', 'a refused change changes nothing');

    const customer = await clients.connect({ token: kim.token });
    assertRefused(await ack(customer, 'agent-status', { status: 'available' }), 'FORBIDDEN', 'a customer');

    // A marker instead of a quiet time: a change accepted after the refused ones is
    // announced after anything they would have announced.
    const marker = await ack(agentSocket, 'agent-status', { status: 'away' });
    assert.equal(marker.ok, true, JSON.stringify(marker));
    await adminRec.next('agent-status-changed', (e) => e.accountId === agent.id && e.to === 'away', 'the marker');
    assert.deepEqual(adminRec.of('agent-status-changed').map((e) => e.to), ['busy', 'away'],
      'only the accepted changes were announced');
  });
});

// ---------------------------------------------------------------------------------------
// Feeds

test('agents see new-ticket and queue-updated; the customer sees ticket-updated on status change', async () => {
  await withServer(ENV, async ({ base, clients, logEpoch }) => {
    const admin = await loginAdmin(base);
    const agent = await createStaff(base, admin.token, { email: 'agent@example.com' });
    const kim = await registerCustomer(base, 'kim@example.com', 'Kim');
    const lee = await registerCustomer(base, 'lee@example.com', 'Lee');

    const agentSocket = await clients.connect({ token: agent.token });
    const agentRec = record(agentSocket);
    const kimSocket = await clients.connect({ token: kim.token });
    const kimRec = record(kimSocket);
    const leeSocket = await clients.connect({ token: lee.token });
    const leeRec = record(leeSocket);

    const request = await openTicket(base, kim.token, 'technical', 'Feed');
    const created = await agentRec.next('new-ticket', (e) => e.item?.id === request.id, 'new-ticket to the agent');
    assert.ok(Number.isInteger(created.eventId), JSON.stringify(created));
    assert.equal(created.logEpoch, logEpoch);
    assert.equal(created.type, 'support.request.created');
    assert.equal(typeof created.occurredAt, 'string');
    assert.deepEqual(created.item, { type: 'support_request', id: request.id });
    assert.equal(created.priority, 'high');
    assert.equal(created.category, 'technical');
    assert.equal(created.customerId, kim.id);

    const depth = await agentRec.next('queue-updated', (e) => e.depth >= 1, 'queue-updated with depth >= 1');
    assert.ok(Number.isInteger(depth.eventId), JSON.stringify(depth));
    assert.equal(depth.logEpoch, logEpoch);
    assert.ok(depth.byPriority.high >= 1, JSON.stringify(depth));

    const resolved = await call(base, 'PATCH', `/api/admin/support-requests/${request.id}/status`, {
      token: admin.token, body: { status: 'resolved' },
    });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    const updated = await kimRec.next('ticket-updated',
      (e) => e.item?.id === request.id && e.change === 'status', 'ticket-updated to the customer');
    assert.ok(Number.isInteger(updated.eventId), JSON.stringify(updated));
    assert.equal(updated.logEpoch, logEpoch);
    assert.equal(updated.type, 'support.request.status_changed');
    assert.equal(typeof updated.occurredAt, 'string');
    assert.deepEqual(updated.item, { type: 'support_request', id: request.id });
    assert.equal(updated.from, 'open');
    assert.equal(updated.to, 'resolved');
    assert.equal(updated.customerId, kim.id);
    assert.ok('assignedAdminId' in updated, JSON.stringify(updated));

    // The other customer gets nothing about it; customers get no staff feed. Checked
    // against markers, not a quiet time: the queue run after the resolution has reported
    // the new depth to the agent (a copy to a customer would have gone out with it), and
    // then each customer gets a ticket-updated of their own, later in the log than
    // anything above.
    const snapshots = () => agentRec.of('queue-updated');
    await agentRec.next('queue-updated', (e) => e.depth === 0 && snapshots().indexOf(e) > snapshots().indexOf(depth),
      'queue-updated with depth 0 after the resolution');
    const markers = {};
    for (const [name, who, rec] of [['kim', kim, kimRec], ['lee', lee, leeRec]]) {
      const ticket = await openTicket(base, who.token, 'general', `Marker for ${name}`);
      const changed = await call(base, 'PATCH', `/api/admin/support-requests/${ticket.id}/status`, {
        token: admin.token, body: { status: 'in_progress' },
      });
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
      markers[name] = await rec.next('ticket-updated', (e) => e.item?.id === ticket.id, `${name}: the marker`);
    }
    const upTo = (rec, marker) => rec.events.slice(0, rec.events.findIndex((e) => e.arg === marker));
    assert.deepEqual(upTo(leeRec, markers.lee), [], `lee received ${JSON.stringify(leeRec.events)}`);
    for (const name of ['new-ticket', 'queue-updated', 'agent-status-changed', 'ticket-assigned']) {
      assert.deepEqual(upTo(kimRec, markers.kim).filter((e) => e.name === name), [], `the customer received ${name}`);
    }
  });
});
