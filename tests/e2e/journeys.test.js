// Intake journeys against the real binary: an admin publishes a three-step journey, a
// customer walks it with /evaluate (the server hands out each next question as the
// definition has it) and submits; the request lands in the queue with the end node's
// category and priority (an agent's socket sees new-ticket), carries its journey record
// on the admin detail, and a guest's billing branch opens an inquiry with a guest token.
//
// Every wait is bounded (lib/realtime.js WAIT_MS); every socket and server is closed in
// `finally` (withServer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GUEST_TOKEN, TRACKING_CODE, call, createStaff, loginAdmin, registerCustomer } from './lib/inquiries.js';
import { record, withServer } from './lib/realtime.js';

const JOURNEY = {
  startNode: 'topic',
  nodes: {
    topic: {
      id: 'topic', type: 'question', questionType: 'single_choice', question: 'What do you need help with?',
      options: [{ label: 'Damaged item', value: 'damaged' }, { label: 'Billing', value: 'billing' }],
      nextNodeMap: { billing: 'bill-end' }, next: 'details',
    },
    details: { id: 'details', type: 'question', questionType: 'text', question: 'What happened?', next: 'photo' },
    photo: { id: 'photo', type: 'question', questionType: 'image_upload', question: 'A photo?', required: false, next: 'route' },
    route: {
      id: 'route', type: 'condition',
      branches: [{ when: { node: 'details', contains: 'broken' }, next: 'urgent' }], else: 'normal',
    },
    urgent: { id: 'urgent', type: 'end', create: 'support_request', category: 'technical', priority: 'urgent', subject: 'Damaged: {{details}}' },
    normal: { id: 'normal', type: 'end', create: 'support_request', category: 'general' },
    'bill-end': { id: 'bill-end', type: 'end', create: 'support_inquiry', category: 'billing', subject: '{{topic}} question' },
  },
};

test('a customer walks a published journey and the right request lands in the queue', async () => {
  await withServer({}, async ({ base, clients }) => {
    const admin = await loginAdmin(base);
    const agent = await createStaff(base, admin.token, { email: 'journey-agent@example.com' });
    const kim = await registerCustomer(base, 'kim-journey@example.com', 'Kim');

    const created = await call(base, 'POST', '/api/admin/journeys', {
      token: admin.token, body: { name: 'Order help', channel: 'any', category: 'orders' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.data.id;

    // A broken definition is refused with the node and the rule.
    const broken = structuredClone(JOURNEY);
    broken.nodes.details.next = 'nowhere';
    const refused = await call(base, 'POST', `/api/admin/journeys/${id}/versions`, {
      token: admin.token, body: { definition: broken, publish: true },
    });
    assert.equal(refused.status, 400);
    assert.equal(refused.body.errorCode, 'JOURNEY_INVALID');
    assert.ok(refused.body.details.some((d) => d.nodeId === 'details' && d.rule === 'target_missing'),
      JSON.stringify(refused.body.details));

    const published = await call(base, 'POST', `/api/admin/journeys/${id}/versions`, {
      token: admin.token, body: { definition: JOURNEY, publish: true },
    });
    assert.equal(published.status, 201, JSON.stringify(published.body));
    const version = published.body.data.version;

    const list = await call(base, 'GET', '/api/journeys', { token: kim.token });
    assert.deepEqual(list.body.data.map((j) => j.id), [id]);
    const graph = await call(base, 'GET', `/api/journeys/${id}`, { token: kim.token });
    assert.equal(graph.body.data.version, version);
    assert.deepEqual(graph.body.data.definition, JSON.parse(JSON.stringify(JOURNEY)));

    const agentSocket = await clients.connect({ token: agent.token });
    const agentFeed = record(agentSocket);

    // Walk it step by step, as a thin client would.
    const answers = {};
    const steps = { topic: 'damaged', details: 'The box arrived broken', photo: null };
    const asked = [];
    for (;;) {
      const next = await call(base, 'POST', `/api/journeys/${id}/evaluate`, {
        token: kim.token, body: { version, answers },
      });
      assert.equal(next.status, 200, JSON.stringify(next.body));
      if (next.body.data.complete) {
        assert.equal(next.body.data.end.category, 'technical');
        assert.equal(next.body.data.end.subject, 'Damaged: The box arrived broken');
        break;
      }
      const node = next.body.data.next;
      asked.push(node.id);
      assert.equal(node.question, JOURNEY.nodes[node.id].question);
      answers[node.id] = steps[node.id];
    }
    assert.deepEqual(asked, ['topic', 'details', 'photo']);

    const submitted = await call(base, 'POST', `/api/journeys/${id}/submit`, {
      token: kim.token, body: { version, answers: { ...answers, unrelated: 'dropped' } },
    });
    assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
    assert.equal(submitted.body.data.kind, 'support_request');
    const requestId = submitted.body.data.id;

    const event = await agentFeed.next('new-ticket', (e) => e.item?.id === requestId, 'new-ticket to the agent');
    assert.equal(event.priority, 'urgent');
    assert.equal(event.category, 'technical');

    const detail = await call(base, 'GET', `/api/admin/support-requests/${requestId}`, { token: admin.token });
    assert.equal(detail.status, 200);
    assert.equal(detail.body.data.category, 'technical');
    assert.equal(detail.body.data.priority, 'urgent');
    assert.equal(detail.body.data.subject, 'Damaged: The box arrived broken');
    assert.deepEqual(detail.body.data.journey, { id, version, answers });
    assert.ok(detail.body.data.sla, 'the request has its SLA');

    const queue = await call(base, 'GET', '/api/admin/queue', { token: admin.token });
    assert.ok(queue.body.data.some((item) => item.id === requestId), JSON.stringify(queue.body.data));

    // A guest on the billing branch opens an inquiry and gets its token once.
    const guest = await call(base, 'POST', `/api/journeys/${id}/submit`, { body: { answers: { topic: 'billing' } } });
    assert.equal(guest.status, 201, JSON.stringify(guest.body));
    assert.equal(guest.body.data.kind, 'support_inquiry');
    assert.match(guest.body.data.trackingCode, TRACKING_CODE);
    assert.match(guest.body.data.inquiryAccessToken, GUEST_TOKEN);
    const inquiry = await call(base, 'GET', `/api/support-inquiries/${guest.body.data.id}`, {
      token: guest.body.data.inquiryAccessToken,
    });
    assert.equal(inquiry.status, 200);
    assert.equal(inquiry.body.data.subject, 'Billing question');

    // A guest on a request branch must sign in.
    const unsigned = await call(base, 'POST', `/api/journeys/${id}/submit`, { body: { answers } });
    assert.equal(unsigned.status, 401);
  });
});
