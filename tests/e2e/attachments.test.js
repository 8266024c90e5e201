// Attachments against the real binary: a guest on the website chat uploads a photo (as
// a browser's FormData sends it) and posts it in the inquiry; staff, joined to the room,
// see the message delta with the attachment and download the file — recognised as a
// JPEG, its EXIF (GPS position) gone, served with nosniff; another guest cannot. A
// customer answers a journey's image question with an upload and the request lands with
// the file on its first message.
//
// Every wait is bounded (lib/realtime.js WAIT_MS); every socket and server is closed in
// `finally` (withServer).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { call, createInquiry, loginAdmin, registerCustomer } from './lib/inquiries.js';
import { assertJoined, inquiryRoom, joinInquiry, record, withServer } from './lib/realtime.js';
import { jpegWithExif } from './lib/images.js';

async function upload(base, bytes, fileName, token) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type: 'image/jpeg' }), fileName);
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const res = await fetch(`${base}/api/attachments`, { method: 'POST', body: form, headers });
  return { status: res.status, body: await res.json() };
}

async function download(base, id, token) {
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  const res = await fetch(`${base}/api/attachments/${id}`, { headers });
  return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
}

test('a guest sends a photo in the chat; staff see it live and download it without its EXIF', async () => {
  await withServer({}, async ({ base, clients }) => {
    const admin = await loginAdmin(base);
    const inquiry = await createInquiry(base, { subject: 'My parcel arrived damaged' });
    const guest = inquiry.inquiryAccessToken;

    const staffSocket = await clients.connect({ token: admin.token });
    assertJoined(await joinInquiry(staffSocket, inquiry.id), inquiryRoom(inquiry.id));
    const staffFeed = record(staffSocket);

    const photo = jpegWithExif();
    const up = await upload(base, photo, 'parcel.jpg', guest);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const file = up.body.data;
    assert.equal(file.contentType, 'image/jpeg');
    assert.ok(file.size < photo.length, 'the EXIF segment was removed');

    const posted = await call(base, 'POST', `/api/support-inquiries/${inquiry.id}/messages`, {
      token: guest, body: { message: 'Here is a photo', attachmentIds: [file.id] },
    });
    assert.equal(posted.status, 201, JSON.stringify(posted.body));
    assert.deepEqual(posted.body.data.attachments.map((a) => a.id), [file.id]);

    const delta = await staffFeed.next('support.inquiry_message.created',
      (d) => d.message?.attachments?.length === 1, 'the message delta with its attachment');
    assert.deepEqual(delta.message.attachments[0], {
      id: file.id, fileName: 'parcel.jpg', contentType: 'image/jpeg', size: file.size,
      url: `/api/attachments/${file.id}`,
    });

    const got = await download(base, file.id, admin.token);
    assert.equal(got.status, 200);
    assert.equal(got.headers.get('content-type'), 'image/jpeg');
    assert.equal(got.headers.get('x-content-type-options'), 'nosniff');
    assert.equal(got.bytes.length, file.size);
    assert.equal(got.bytes.subarray(0, 2).toString('hex'), 'ffd8');
    assert.equal(got.bytes.indexOf('GPS'), -1, 'no GPS text in the stored file');
    assert.ok(got.bytes.includes(Buffer.from([0x12, 0x34, 0xff, 0x00, 0x56])), 'the scan data is intact');

    // The guest reads it back; another guest and a visitor without a token do not.
    assert.equal((await download(base, file.id, guest)).status, 200);
    const other = await createInquiry(base, { subject: 'Another visitor' });
    assert.equal((await download(base, file.id, other.inquiryAccessToken)).status, 404);
    assert.equal((await download(base, file.id)).status, 404);

    // An SVG is refused whatever it is called.
    const svg = new FormData();
    svg.append('file', new Blob(['<svg xmlns="http://www.w3.org/2000/svg"/>'], { type: 'image/png' }), 'x.png');
    const refused = await fetch(`${base}/api/attachments`, { method: 'POST', body: svg, headers: { authorization: `Bearer ${guest}` } });
    assert.equal(refused.status, 415);
    assert.equal((await refused.json()).errorCode, 'ATTACHMENT_TYPE_NOT_ALLOWED');
  });
});

test('a customer answers a journey image question with an upload; the file is on the request', async () => {
  await withServer({}, async ({ base }) => {
    const admin = await loginAdmin(base);
    const kim = await registerCustomer(base, 'kim-photo@example.com', 'Kim');
    const journey = await call(base, 'POST', '/api/admin/journeys', {
      token: admin.token, body: { name: 'Damage report', channel: 'portal' },
    });
    const id = journey.body.data.id;
    const definition = {
      startNode: 'what',
      nodes: {
        what: { type: 'question', questionType: 'single_choice', question: 'What is damaged?',
          options: [{ label: 'Parcel', value: 'parcel' }, { label: 'Item', value: 'item' }], next: 'describe' },
        describe: { type: 'question', questionType: 'text', question: 'Describe it', next: 'photo' },
        photo: { type: 'question', questionType: 'image_upload', question: 'A photo', next: 'done' },
        done: { type: 'end', create: 'support_request', category: 'technical', subject: 'Damaged {{what}}' },
      },
    };
    const published = await call(base, 'POST', `/api/admin/journeys/${id}/versions`, {
      token: admin.token, body: { definition, publish: true },
    });
    assert.equal(published.status, 201, JSON.stringify(published.body));

    const up = await upload(base, jpegWithExif(), 'damage.jpg', kim.token);
    assert.equal(up.status, 201, JSON.stringify(up.body));
    const answers = { what: 'parcel', describe: 'Crushed corner', photo: up.body.data.id };
    const submitted = await call(base, 'POST', `/api/journeys/${id}/submit`, {
      token: kim.token, body: { answers },
    });
    assert.equal(submitted.status, 201, JSON.stringify(submitted.body));
    const detail = await call(base, 'GET', `/api/admin/support-requests/${submitted.body.data.id}`, { token: admin.token });
    assert.equal(detail.body.data.subject, 'Damaged Parcel');
    assert.deepEqual(detail.body.data.messages[0].attachments.map((a) => a.id), [up.body.data.id]);
    assert.equal(detail.body.data.journey.answers.photo, up.body.data.id);
    assert.equal((await download(base, up.body.data.id, admin.token)).status, 200);
    const queue = await call(base, 'GET', '/api/admin/queue', { token: admin.token });
    assert.ok(queue.body.data.some((item) => item.id === submitted.body.data.id), 'the request is queued');

    // The same upload cannot go on a second request.
    const again = await call(base, 'POST', `/api/journeys/${id}/submit`, { token: kim.token, body: { answers } });
    assert.equal(again.status, 409, JSON.stringify(again.body));
    assert.equal(again.body.errorCode, 'ATTACHMENT_IN_USE');
  });
});
