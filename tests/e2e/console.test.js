// The console in a real browser (Debian's chromium via playwright-core) against the
// built binary serving console/dist: the guest widget on the demo page, the agent
// workspace, the API reference. Screenshots go to tests/e2e/artifacts/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { assertAccessible, CONSOLE_DIR, launchBrowser, screenshot, startProxy } from './lib/browser.js';
import { pngWithText } from './lib/images.js';
import { ADMIN_EMAIL, ADMIN_PASSWORD, call, fileMailbox, freePort, loginAdmin, otpFromMail, registerCustomer, startDocket, TRACKING_CODE } from './lib/inquiries.js';
import http from 'node:http';

// How long a message may take to show on the other side.
const LIVE_MS = 1000;

describe('console', () => {
  let server;
  let base;
  let proxy;
  let browser;
  let guest; // the demo page with the widget, straight to the server
  let agent; // the workspace, through the proxy the tests can cut
  let subject;
  let hostPort;

  before(async () => {
    assert.ok(existsSync(path.join(CONSOLE_DIR, 'index.html')), `console not built: ${CONSOLE_DIR}`);
    // Another origin, as a customer's website: allowed by DOCKET_CORS_ORIGINS.
    hostPort = await freePort();
    server = await startDocket({ DOCKET_CONSOLE_DIR: CONSOLE_DIR, DOCKET_CORS_ORIGINS: `http://127.0.0.1:${hostPort}` });
    base = server.baseUrl;
    proxy = await startProxy(server.ready.port);
    browser = await launchBrowser();
    guest = await (await browser.newContext({ viewport: { width: 1100, height: 760 } })).newPage();
    agent = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
  });

  after(async () => {
    await browser?.close();
    await proxy?.close();
    await server?.stop();
    await server?.cleanup();
  });

  const agentBase = () => `http://127.0.0.1:${proxy.port}`;
  const newPage = async (width = 1280) => (await browser.newContext({ viewport: { width, height: 800 } })).newPage();

  const journeyDefinition = (photoNext = 'done') => ({
    startNode: 'kind',
    nodes: {
      kind: {
        type: 'question',
        questionType: 'single_choice',
        question: 'What happened to your delivery?',
        options: [
          { label: 'It arrived broken', value: 'broken' },
          { label: 'It never arrived', value: 'missing' },
        ],
        nextNodeMap: { broken: 'photo', missing: 'done' },
      },
      photo: { type: 'question', questionType: 'image_upload', question: 'A photo of the damage?', next: photoNext },
      done: { type: 'end', create: 'support_request', category: 'technical', priority: 'high', subject: 'Damaged: {{photo}}' },
    },
  });
  const widget = () => guest.locator('docket-chat');
  const thread = () => agent.getByTestId('thread');

  test('the landing page links the workspace, the demo and the API reference', async () => {
    await guest.goto(`${base}/`);
    for (const name of ['Agent workspace', 'Widget demo', 'API reference']) {
      assert.ok(await guest.getByRole('link', { name: new RegExp(name) }).isVisible(), name);
    }
    await screenshot(guest, 'landing');
    await assertAccessible(guest, 'the landing page');
  });

  test('a guest chats through the widget while an agent answers in the workspace, each side live', async () => {
    subject = `Wheel question ${Date.now()}`;
    await guest.goto(`${base}/demo`);
    const bubble = widget().getByRole('button', { name: 'Open the support chat' });
    await bubble.click();
    await widget().getByLabel('Subject').fill(subject);
    await widget().getByLabel('Your name').fill('Ana');
    await widget().getByLabel('How can we help?').fill('Does the Trail 29 fit a 2.6" tyre?');
    await screenshot(guest, 'widget-start');
    await assertAccessible(guest, 'the demo page with the start form');
    await widget().getByRole('button', { name: 'Start chat' }).click();
    const code = await widget().getByTestId('tracking-code').textContent();
    assert.match(code, TRACKING_CODE);

    // The host page's styles stay outside, and the widget's inside.
    const fonts = await guest.evaluate(() => {
      const host = document.querySelector('docket-chat');
      const inner = host.shadowRoot.querySelector('.bubble');
      return {
        widgetFont: getComputedStyle(inner).fontFamily,
        widgetBubble: getComputedStyle(inner).fontSize,
        pageButton: getComputedStyle(document.querySelector('button.shop')).fontSize,
      };
    });
    assert.doesNotMatch(fonts.widgetFont, /Georgia/);
    assert.notEqual(fonts.widgetBubble, '40px');
    assert.equal(fonts.pageButton, '40px');

    await agent.goto(`${agentBase()}/agent`);
    await screenshot(agent, 'agent-login');
    await assertAccessible(agent, 'the workspace login');
    await agent.getByLabel('E-mail').fill(ADMIN_EMAIL);
    await agent.getByLabel('Password').fill(ADMIN_PASSWORD);
    await agent.getByRole('button', { name: 'Sign in' }).click();
    const row = agent.getByRole('button', { name: new RegExp(subject) });
    await row.waitFor();
    await row.click();
    await thread().getByText('Does the Trail 29 fit').waitFor();

    // Agent → guest.
    const reply = 'Yes, up to 2.6" with the stock fork.';
    await agent.getByLabel('Reply').fill(reply);
    let sent = Date.now();
    await agent.getByLabel('Reply').press('Enter');
    await widget().getByText(reply).waitFor({ timeout: 5000 });
    const toGuest = Date.now() - sent;

    // Guest → agent.
    const thanks = 'Great, thanks!';
    await widget().getByLabel('Your message').fill(thanks);
    sent = Date.now();
    await widget().getByLabel('Your message').press('Enter');
    await thread().getByText(thanks).waitFor({ timeout: 5000 });
    const toAgent = Date.now() - sent;

    assert.ok(toGuest <= LIVE_MS, `agent → guest took ${toGuest} ms`);
    assert.ok(toAgent <= LIVE_MS, `guest → agent took ${toAgent} ms`);
    await screenshot(guest, 'widget-chat');
    await screenshot(agent, 'agent-conversation');
    await assertAccessible(guest, 'the demo page with the chat');
    await assertAccessible(agent, 'the workspace with a conversation');
  });

  test('the agent loses the network, three messages arrive meanwhile, and exactly those three appear once', async () => {
    const before = await thread().locator('li.msg').count();
    proxy.cut();
    await agent.getByRole('status').filter({ hasText: 'Reconnecting' }).waitFor();
    const texts = ['one while you were away', 'two while you were away', 'three while you were away'];
    for (const text of texts) {
      await widget().getByLabel('Your message').fill(text);
      await widget().getByLabel('Your message').press('Enter');
      await widget().getByText(text).waitFor();
    }
    proxy.restore();
    await agent.getByRole('status').filter({ hasText: 'Live' }).waitFor({ timeout: 15000 });
    for (const text of texts) await thread().getByText(text).waitFor();
    for (const text of texts) assert.equal(await thread().getByText(text).count(), 1, text);
    assert.equal(await thread().locator('li.msg').count(), before + 3);
    // The same as the server has, in the same order.
    const { token } = await loginAdmin(base);
    const id = Number((await agent.locator('[aria-current="true"]').getAttribute('data-item')).split(':')[1]);
    const rest = await call(base, 'GET', `/api/admin/support-inquiries/${id}`, { token });
    const shown = await thread().locator('li.msg').evaluateAll((els) => els.map((e) => Number(e.dataset.eventId)));
    assert.deepEqual(shown, rest.body.data.messages.map((m) => m.eventId));
  });

  test('the inbox works from the keyboard alone: j/k, Enter, r to reply, e to resolve', async () => {
    const { token } = await loginAdmin(base);
    for (const s of ['Keyboard one', 'Keyboard two']) {
      const res = await call(base, 'POST', '/api/support-inquiries', { body: { subject: `${s} ${Date.now()}`, message: 'Hi' } });
      assert.equal(res.status, 201);
    }
    await agent.getByRole('button', { name: /Keyboard two/ }).waitFor();
    // Both wait in the queue too (nobody is available to take them).
    await agent.getByRole('tab', { name: 'Queue' }).click();
    await agent.getByRole('button', { name: /Keyboard one/ }).waitFor();
    await agent.getByRole('button', { name: /Keyboard two/ }).waitFor();
    await screenshot(agent, 'agent-queue');
    await agent.getByRole('tab', { name: 'Open' }).click();
    await agent.getByRole('button', { name: /Wheel question/ }).waitFor();
    await agent.locator('body').click({ position: { x: 5, y: 5 } });
    // To the top with k, open with Enter; then j down to the other one and open it.
    const cursorRow = agent.locator('.inbox-row.cursor');
    for (let i = 0; i < 5; i++) await agent.keyboard.press('k');
    await agent.keyboard.press('Enter');
    const opened = agent.locator('[aria-current="true"]');
    await agent.locator('[aria-current="true"][data-row="0"]').waitFor();
    for (let i = 0; i < 10 && !(await cursorRow.textContent()).includes('Keyboard one'); i++) await agent.keyboard.press('j');
    assert.match(await cursorRow.textContent(), /Keyboard one/);
    await agent.keyboard.press('Enter');
    await opened.filter({ hasText: 'Keyboard one' }).waitFor();
    await agent.keyboard.press('r');
    await agent.keyboard.type('Answered from the keyboard');
    await agent.keyboard.press('Enter');
    await thread().getByText('Answered from the keyboard').waitFor();
    await agent.keyboard.press('Escape');
    await agent.keyboard.press('e');
    const id = Number((await opened.getAttribute('data-item')).split(':')[1]);
    let status;
    for (let i = 0; i < 100 && status !== 'resolved'; i++) {
      status = (await call(base, 'GET', `/api/admin/support-inquiries/${id}`, { token })).body.data.status;
      if (status !== 'resolved') await agent.waitForTimeout(50);
    }
    assert.equal(status, 'resolved');
    await screenshot(agent, 'agent-keyboard');
  });

  test('the SLA timer counts business hours, standing still outside them; Take next assigns the queue head to the agent', async () => {
    const { token: admin, id: adminId } = await loginAdmin(base);
    // One business hour a day, starting two hours from now (UTC): the first reply is due
    // 2.5 hours from now on the wall clock, but only 30 business minutes away.
    const hour = (new Date().getUTCHours() + 2) % 24;
    const hh = (h) => `${String(h % 24).padStart(2, '0')}:00`;
    const weekly = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => ({ day, start: hh(hour), end: hh(hour + 1) }));
    const calendar = await call(base, 'POST', '/api/admin/sla/calendars', { token: admin, body: { name: 'Late hour', timezone: 'UTC', weekly } });
    assert.equal(calendar.status, 201, JSON.stringify(calendar.body));
    const minutes = { firstResponseMinutes: 30, resolutionMinutes: 600 };
    const policy = await call(base, 'POST', '/api/admin/sla/policies', {
      token: admin,
      body: {
        name: 'Late hour billing',
        calendarId: calendar.body.data.id,
        appliesTo: ['support_request'],
        categories: ['billing'],
        targets: { low: minutes, medium: minutes, high: minutes, urgent: minutes },
      },
    });
    assert.equal(policy.status, 201, JSON.stringify(policy.body));
    const customer = await registerCustomer(base, `sla-${Date.now()}@example.com`, 'Sam');
    const subject = `Invoice twice ${Date.now()}`;
    const created = await call(base, 'POST', '/api/mobile/support-requests', {
      token: customer.token,
      body: { subject, category: 'billing', message: 'I was charged twice' },
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const row = agent.getByRole('button', { name: new RegExp(subject) });
    await row.waitFor({ timeout: 5000 });
    const timer = row.locator('.sla');
    await timer.filter({ hasText: /^30m left · off hours$/ }).waitFor({ timeout: 5000 });
    assert.equal(await timer.getAttribute('data-sla'), 'ok');
    await row.click();
    const headerTimer = agent.locator('.thread header .sla');
    await headerTimer.filter({ hasText: 'First reply: 30m left · off hours' }).waitFor();
    assert.match(await headerTimer.getAttribute('title'), /counting business hours \(UTC\)/);
    await screenshot(agent, 'agent-sla-business-hours');

    // Take next: the head of the queue becomes the agent's and opens.
    const waiting = await call(base, 'POST', '/api/support-inquiries', { body: { subject: `Take me ${Date.now()}`, message: 'Anyone?' } });
    assert.equal(waiting.status, 201);
    await agent.getByRole('button', { name: 'Take next' }).click();
    await agent.getByRole('status').filter({ hasText: /is yours/ }).waitFor({ timeout: 5000 });
    const [type, id] = (await agent.locator('[aria-current="true"]').getAttribute('data-item')).split(':');
    const taken = await call(base, 'GET', `/api/admin/support-${type === 'inquiry' ? 'inquiries' : 'requests'}/${id}`, { token: admin });
    assert.equal(taken.body.data.assignedAdminId, adminId);
    await thread().waitFor();
  });

  test('an agent links a customer\'s chat into one of their open requests from the conversation header', async () => {
    const { token: admin } = await loginAdmin(base);
    const customer = await registerCustomer(base, `link-${Date.now()}@example.com`, 'Robin');
    const request = await call(base, 'POST', '/api/mobile/support-requests', {
      token: customer.token,
      body: { subject: `Order 1234 ${Date.now()}`, category: 'billing', message: 'Where is my refund?' },
    });
    assert.equal(request.status, 201, JSON.stringify(request.body));
    const subject = `Refund again ${Date.now()}`;
    const inquiry = await call(base, 'POST', '/api/support-inquiries', { token: customer.token, body: { subject, message: 'Still no refund' } });
    assert.equal(inquiry.status, 201, JSON.stringify(inquiry.body));
    await agent.getByRole('tab', { name: 'Open' }).click();
    await agent.getByRole('button', { name: new RegExp(subject) }).click();
    const header = agent.locator('.thread header');
    await header.getByLabel('Into').selectOption({ label: `${request.body.data.ticketNumber} · ${request.body.data.subject}` });
    await header.getByRole('button', { name: 'Link to request' }).click();
    let linked;
    for (let i = 0; i < 100 && linked?.status !== 'linked'; i++) {
      linked = (await call(base, 'GET', `/api/admin/support-inquiries/${inquiry.body.data.id}`, { token: admin })).body.data;
      if (linked.status !== 'linked') await agent.waitForTimeout(50);
    }
    assert.equal(linked.status, 'linked');
    assert.equal(linked.supportRequestId, request.body.data.id);
    // Linked once: the header offers it no more.
    await header.getByRole('button', { name: /Link to request|Convert to request/ }).waitFor({ state: 'detached' });
  });

  test('the widget keeps its chat across a reload, sends an image, verifies the e-mail with its code, and shows the end', async () => {
    const code = await widget().getByTestId('tracking-code').textContent();
    await guest.reload();
    await widget().getByRole('button', { name: 'Open the support chat' }).click();
    assert.equal(await widget().getByTestId('tracking-code').textContent(), code);
    await widget().getByText('Great, thanks!').waitFor();
    assert.equal(await widget().getByText('three while you were away').count(), 1);

    await widget().getByLabel('Attach an image').setInputFiles({ name: 'wheel.png', mimeType: 'image/png', buffer: pngWithText(3) });
    await widget().getByLabel('Your message').fill('Here is a photo');
    await widget().getByLabel('Your message').press('Enter');
    await widget().getByRole('img', { name: 'wheel.png' }).waitFor();
    await agent.getByRole('button', { name: new RegExp(subject) }).click();
    await thread().getByText('Attachment: wheel.png').waitFor();
    // And back: the agent answers with an image, which the guest sees.
    await agent.getByLabel('Attach images').setInputFiles({ name: 'spokes.png', mimeType: 'image/png', buffer: pngWithText(4) });
    await agent.getByLabel('Reply').fill('Like this one?');
    await agent.getByLabel('Reply').press('Enter');
    await widget().getByRole('img', { name: 'spokes.png' }).waitFor();

    await widget().getByRole('button', { name: 'Leave your e-mail' }).click();
    const email = `ana-${Date.now()}@example.com`;
    await widget().getByLabel('E-mail', { exact: true }).fill(email);
    await widget().getByRole('button', { name: 'Send me a code' }).click();
    const otp = otpFromMail(await fileMailbox(server.dataDir).next(email));
    await widget().getByLabel(/The code we sent/).fill(otp);
    await widget().getByRole('button', { name: 'Verify' }).click();
    await widget().getByText(`E-mail verified: ${email}`).waitFor();
    await screenshot(guest, 'widget-verified');

    const { token } = await loginAdmin(base);
    const found = await call(base, 'GET', `/api/admin/support-inquiries?search=${code}`, { token });
    const id = found.body.data[0].id;
    assert.equal((await call(base, 'PATCH', `/api/admin/support-inquiries/${id}/status`, { token, body: { status: 'closed' } })).status, 200);
    // Live: the guest's room gets the status change (ticket-updated), no polling.
    await widget().getByText('This conversation is closed.').waitFor({ timeout: LIVE_MS });
    await screenshot(guest, 'widget-closed');
    await assertAccessible(guest, 'the closed chat');
  });

  test('a customer runs a journey with an image answer; the request it creates appears live in the inbox', async () => {
    const { token: admin } = await loginAdmin(base);
    const created = await call(base, 'POST', '/api/admin/journeys', { token: admin, body: { name: 'Damaged delivery', channel: 'portal' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const journeyId = created.body.data.id;
    const version = await call(base, 'POST', `/api/admin/journeys/${journeyId}/versions`, {
      token: admin,
      body: { definition: journeyDefinition(), publish: true },
    });
    assert.equal(version.status, 201, JSON.stringify(version.body));

    const customer = await newPage(1000);
    await customer.goto(`${base}/portal`);
    await screenshot(customer, 'portal-login');
    await assertAccessible(customer, 'the portal sign-in');
    await customer.getByRole('button', { name: 'Create an account' }).click();
    await customer.getByLabel('Name').fill('Kim');
    await customer.getByLabel('E-mail').fill(`kim-${Date.now()}@example.com`);
    await customer.getByLabel('Password').fill('kim-password-1');
    await customer.getByRole('button', { name: 'Create account' }).click();
    await customer.getByRole('link', { name: 'New request' }).click();
    await customer.getByRole('button', { name: /Damaged delivery/ }).click();
    await customer.getByRole('button', { name: 'It arrived broken' }).click();
    await customer.getByLabel('Choose images').setInputFiles({ name: 'box.png', mimeType: 'image/png', buffer: pngWithText(7) });
    await customer.getByText('This will open a support request').waitFor();
    await screenshot(customer, 'portal-journey');
    await assertAccessible(customer, 'the journey in the portal');
    await customer.getByRole('button', { name: 'Submit' }).click();
    await customer.getByTestId('thread').getByText('A photo of the damage?: 1 image attached').waitFor();
    await screenshot(customer, 'portal-request');
    await assertAccessible(customer, 'a request in the portal');

    // Live in the agent's inbox, with the file on its first message and the journey on it.
    await agent.getByRole('button', { name: /Damaged: 1 image attached/ }).waitFor({ timeout: 5000 });
    const list = await call(base, 'GET', '/api/admin/support-requests?search=Damaged', { token: admin });
    const id = list.body.data[0].id;
    const detail = (await call(base, 'GET', `/api/admin/support-requests/${id}`, { token: admin })).body.data;
    assert.equal(detail.priority, 'high');
    assert.equal(detail.journey.id, journeyId);
    assert.equal(detail.journey.answers.kind, 'broken');
    assert.equal(detail.messages[0].attachments.length, 1);
    assert.equal(detail.messages[0].attachments[0].contentType, 'image/png');

    // A staff reply shows live in the portal; once resolved, the customer rates it.
    const reply = await call(base, 'POST', `/api/admin/support-requests/${id}/messages`, { token: admin, body: { message: 'A new wheel is on its way.' } });
    assert.equal(reply.status, 201);
    await customer.getByTestId('thread').getByText('A new wheel is on its way.').waitFor({ timeout: 5000 });
    const resolved = await call(base, 'PATCH', `/api/admin/support-requests/${id}/status`, { token: admin, body: { status: 'resolved' } });
    assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
    await customer.getByRole('group', { name: 'How did we do?' }).waitFor({ timeout: 5000 });
    await customer.getByLabel('5').check();
    await customer.getByLabel('Comment').fill('Quick and kind');
    await customer.getByRole('button', { name: 'Rate' }).click();
    await customer.getByText('You rated this 5 of 5: “Quick and kind”.').waitFor();
    await screenshot(customer, 'portal-rated');
    await assertAccessible(customer, 'a rated request in the portal');
    const rated = (await call(base, 'GET', `/api/admin/support-requests/${id}`, { token: admin })).body.data;
    assert.equal(rated.satisfaction.rating, 5);
    await customer.context().close();
  });

  test('a customer writes a request in their own words with two images; it shows in the portal and live in the inbox', async () => {
    const { token: admin } = await loginAdmin(base);
    const customer = await newPage(1000);
    await customer.goto(`${base}/portal`);
    await customer.getByRole('button', { name: 'Create an account' }).click();
    await customer.getByLabel('Name').fill('Lee');
    await customer.getByLabel('E-mail').fill(`lee-${Date.now()}@example.com`);
    await customer.getByLabel('Password').fill('lee-password-1');
    await customer.getByRole('button', { name: 'Create account' }).click();
    await customer.getByRole('link', { name: 'New request' }).click();
    await customer.getByRole('button', { name: /Something else/ }).click();
    const subject = `Scratched screen ${Date.now()}`;
    await customer.getByLabel('Subject').fill(subject);
    await customer.getByLabel('Category').selectOption('technical');
    await customer.getByLabel('Description').fill('The screen came scratched.');
    await customer.getByLabel(/Images/).setInputFiles([
      { name: 'front.png', mimeType: 'image/png', buffer: pngWithText(3) },
      { name: 'back.png', mimeType: 'image/png', buffer: pngWithText(4) },
    ]);
    await assertAccessible(customer, 'the plain request form');
    await screenshot(customer, 'portal-plain-form');
    await customer.getByRole('button', { name: 'Send' }).click();
    const log = customer.getByTestId('thread');
    await log.getByText('The screen came scratched.').waitFor();
    await log.getByText('front.png, back.png').waitFor();
    await agent.getByRole('button', { name: new RegExp(subject) }).waitFor({ timeout: 5000 });

    const list = await call(base, 'GET', `/api/admin/support-requests?search=${encodeURIComponent(subject)}`, { token: admin });
    assert.equal(list.body.data.length, 1);
    const detail = (await call(base, 'GET', `/api/admin/support-requests/${list.body.data[0].id}`, { token: admin })).body.data;
    assert.equal(detail.category, 'technical');
    assert.equal(detail.messages.length, 2);
    assert.deepEqual(
      detail.messages[1].attachments.map((a) => [a.fileName, a.contentType]),
      [
        ['front.png', 'image/png'],
        ['back.png', 'image/png'],
      ],
    );
    const image = await fetch(`${base}/api/attachments/${detail.messages[1].attachments[1].id}`, { headers: { Authorization: `Bearer ${admin}` } });
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/png');
    await customer.context().close();
  });

  test('the admin edits a journey and sees the validation error at its node; the preview walks the draft', async () => {
    const admin = await newPage(1400);
    await admin.goto(`${base}/admin`);
    await admin.getByLabel('E-mail').fill(ADMIN_EMAIL);
    await admin.getByLabel('Password').fill(ADMIN_PASSWORD);
    await admin.getByRole('button', { name: 'Sign in' }).click();
    await admin.getByTestId('overview').waitFor();
    await screenshot(admin, 'admin-analytics');
    await assertAccessible(admin, 'the analytics page');

    await admin.getByRole('link', { name: 'Journeys' }).click();
    await admin.getByRole('button', { name: /Damaged delivery/ }).click();
    const photo = admin.locator('[data-node="photo"]');
    const json = photo.getByLabel('JSON of node photo');
    await json.fill(JSON.stringify({ ...journeyDefinition('nowhere').nodes.photo }, null, 2));
    await photo.locator('.problems li').filter({ hasText: 'target_missing' }).waitFor();
    assert.equal(await admin.locator('[data-node="kind"] .problems li').count(), 0);
    assert.equal(await json.getAttribute('aria-invalid'), 'true');
    assert.ok(await admin.getByRole('button', { name: 'Publish' }).isDisabled());
    await photo.scrollIntoViewIfNeeded();
    await screenshot(admin, 'admin-journey-error');
    await assertAccessible(admin, 'the journey editor');

    await json.fill(JSON.stringify({ ...journeyDefinition().nodes.photo }, null, 2));
    await admin.locator('.node.bad').waitFor({ state: 'detached' });
    const preview = admin.getByRole('region', { name: 'Damaged delivery' });
    await preview.getByRole('button', { name: 'It never arrived' }).click();
    await preview.getByText('This will open a support request').waitFor();
    assert.ok(await preview.getByText('Preview: nothing is created.').isVisible());

    await admin.getByRole('link', { name: 'Audit log' }).click();
    await admin.getByRole('button', { name: 'Check the hash chain' }).click();
    await admin.getByTestId('chain-check').filter({ hasText: 'The chain holds' }).waitFor();
    await screenshot(admin, 'admin-audit');
    await assertAccessible(admin, 'the audit log');
    for (const [section, name] of [['Read models', 'admin-read-models'], ['Staff', 'admin-staff'], ['Agents', 'admin-agents'], ['SLA', 'admin-sla']]) {
      await admin.getByRole('link', { name: section, exact: true }).click();
      await admin.getByRole('heading', { level: 2 }).first().waitFor();
      await screenshot(admin, name);
      await assertAccessible(admin, `the ${section} page`);
    }
    await admin.context().close();
  });

  test('the widget embedded on another origin chats through CORS and a cross-origin websocket', async () => {
    const site = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(`<!doctype html><html lang="en"><head><title>Elsewhere</title></head><body><h1>Another shop</h1>
<script src="${base}/widget.js" data-title="Elsewhere support" defer></script></body></html>`);
    });
    await new Promise((resolve) => site.listen(hostPort, '127.0.0.1', resolve));
    const page = await newPage(1000);
    try {
      await page.goto(`http://127.0.0.1:${hostPort}/`);
      const chat = page.locator('docket-chat');
      await chat.getByRole('button', { name: 'Open the support chat' }).click();
      await chat.getByLabel('Subject').fill('From another origin');
      await chat.getByRole('button', { name: 'Start chat' }).click();
      const code = await chat.getByTestId('tracking-code').textContent();
      assert.match(code, TRACKING_CODE);
      await chat.getByLabel('Your message').fill('Sent across origins');
      await chat.getByLabel('Your message').press('Enter');
      await chat.getByText('Sent across origins').waitFor();
      // Staff answer; the reply arrives over the socket.
      const { token } = await loginAdmin(base);
      const id = (await call(base, 'GET', `/api/admin/support-inquiries?search=${code}`, { token })).body.data[0].id;
      await call(base, 'POST', `/api/admin/support-inquiries/${id}/messages`, { token, body: { message: 'Answered from the console' } });
      await chat.getByText('Answered from the console').waitFor({ timeout: 5000 });
      await chat.getByRole('status', { name: 'Connected' }).waitFor();
    } finally {
      await page.context().close();
      await new Promise((resolve) => site.close(resolve));
    }
  });

  test('the API reference renders the served OpenAPI document at /api/docs', async () => {
    await guest.goto(`${base}/api/docs`);
    await guest.locator('.swagger-ui .info .title').filter({ hasText: 'Docket' }).waitFor();
    assert.ok((await guest.locator('.opblock').count()) > 50);
    await screenshot(guest, 'api-docs');
  });
});
