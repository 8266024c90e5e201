// Backup/restore drill against the real binary, as an operator would run it
// (`docket backup --help`, docs/attachments.md "Restore", docs/architecture.md "Data
// directory"): guests open inquiries, post messages and photos (PNG and JPEG, their
// metadata removed by the server) and staff reply with one; then, while writers keep
// posting, `docket backup DIR` runs against the live server. The writers stop, the
// server stops, DIR/log, DIR/jwt-secret and DIR/attachments are copied into an empty
// data directory, `docket events verify` passes on it and `docket serve` starts on it.
//
// What must hold: the restored log is the backup's log (same head, and a logEpoch of its
// own, not the original's: realtime positions in the original must not pass for
// positions in the restored log) and a byte-identical prefix of the original log; everything acknowledged before the backup
// began is there; nothing is there that the original did not acknowledge; every record
// of the prefix reads the same on both servers (admin list entries, guest details and
// messages) and every attachment of the prefix downloads with the bytes the original
// served, while attachments uploaded after the cut are 404.
//
// Every wait is on an observable condition with a deadline (waitFor); servers and
// directories are removed in `finally`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { copyFile, cp, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { docket, makeDataDir, startServer } from './lib/docket.js';
import { jpegWithExif, pngWithText } from './lib/images.js';
import {
  ADMIN_EMAIL, ADMIN_PASSWORD, adminReply, call, createInquiry, loginAdmin, setStatus, startDocket,
  waitFor,
} from './lib/inquiries.js';

const ENV = {
  DOCKET_BOOTSTRAP_ADMIN_EMAIL: ADMIN_EMAIL,
  DOCKET_BOOTSTRAP_ADMIN_PASSWORD: ADMIN_PASSWORD,
  DOCKET_PASSWORD_HASH_COST: 'minimal',
};
const WRITERS = 3;
const ACKS_BEFORE_BACKUP = 6; // writer acknowledgements before the backup starts
const ACKS_AFTER_BACKUP = 6; // and after it returned, before the writers stop

const sha256 = (bytes) => createHash('sha256').update(bytes).digest('hex');

// ---------------------------------------------------------------------------------------
// HTTP

async function upload(base, bytes, type, fileName, token) {
  const form = new FormData();
  form.append('file', new Blob([bytes], { type }), fileName);
  const res = await fetch(`${base}/api/attachments`, {
    method: 'POST', body: form, headers: { authorization: `Bearer ${token}` },
  });
  const body = await res.json();
  assert.equal(res.status, 201, `upload ${fileName}: ${JSON.stringify(body)}`);
  return body.data;
}

// GET /api/attachments/{id}: {status, contentType, sha256, size}.
async function download(base, id, token) {
  const res = await fetch(`${base}/api/attachments/${id}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = Buffer.from(await res.arrayBuffer());
  return { status: res.status, contentType: res.headers.get('content-type'), sha256: sha256(bytes), size: bytes.length, bytes };
}

async function guestPost(base, inquiry, message, attachmentIds) {
  const res = await call(base, 'POST', `/api/support-inquiries/${inquiry.id}/messages`, {
    token: inquiry.inquiryAccessToken, body: attachmentIds ? { message, attachmentIds } : { message },
  });
  assert.equal(res.status, 201, `guest message: ${JSON.stringify(res.body)}`);
  return res.body.data;
}

async function guestDetail(base, inquiry) {
  const res = await call(base, 'GET', `/api/support-inquiries/${inquiry.id}`, { token: inquiry.inquiryAccessToken });
  assert.equal(res.status, 200, `guest detail ${inquiry.id}: ${JSON.stringify(res.body)}`);
  return res.body.data;
}

async function guestMessages(base, inquiry) {
  const res = await call(base, 'GET', `/api/support-inquiries/${inquiry.id}/messages`, { token: inquiry.inquiryAccessToken });
  assert.equal(res.status, 200, `guest messages ${inquiry.id}: ${JSON.stringify(res.body)}`);
  return res.body.data;
}

// Every page of the admin inquiry list: Map id -> list entry.
async function adminListAll(base, token) {
  const byId = new Map();
  let total;
  for (let page = 1; ; page++) {
    const res = await call(base, 'GET', `/api/admin/support-inquiries?page=${page}&pageSize=100&sortBy=createdAt&sortOrder=asc`, { token });
    assert.equal(res.status, 200, `admin list page ${page}: ${JSON.stringify(res.body)}`);
    for (const entry of res.body.data) {
      assert.ok(!byId.has(entry.id), `inquiry ${entry.id} listed twice`);
      byId.set(entry.id, entry);
    }
    total = res.body.pagination.total;
    if (page >= res.body.pagination.pages) break;
  }
  assert.equal(byId.size, total, 'the pages hold the whole list');
  return byId;
}

// ---------------------------------------------------------------------------------------
// Writers: each loop opens a guest inquiry, uploads a photo and posts it, until stopped.
// Every acknowledged write is recorded with the logical time of its acknowledgement
// (`seq`) and whether it was acknowledged before the backup was started.

class Writers {
  constructor(base) {
    this.base = base;
    this.stopping = false;
    this.backupStarted = false;
    this.seq = 0;
    this.inquiries = []; // {inquiry, ackSeq, beforeBackup}
    this.messages = []; // {inquiry, message, ackSeq, beforeBackup}
    this.uploads = []; // {inquiry, file, ackSeq, beforeBackup}
    this.errors = [];
    this.loops = [];
  }

  ack(list, entry) {
    list.push({ ...entry, ackSeq: ++this.seq, beforeBackup: !this.backupStarted });
  }

  get acks() { return this.seq; }

  start() {
    for (let w = 0; w < WRITERS; w++) {
      this.loops.push(this.loop(w).catch((err) => { this.errors.push(err); }));
    }
  }

  async loop(w) {
    for (let i = 0; !this.stopping; i++) {
      const inquiry = await createInquiry(this.base, {
        subject: `Writer ${w} order ${i} never arrived`, message: `Writer ${w}, inquiry ${i}: where is my parcel?`,
      });
      this.ack(this.inquiries, { inquiry });
      if (this.stopping) break;
      const seed = 1000 + w * 997 + i;
      const file = i % 2
        ? await upload(this.base, jpegWithExif(seed), 'image/jpeg', `w${w}-${i}.jpg`, inquiry.inquiryAccessToken)
        : await upload(this.base, pngWithText(seed), 'image/png', `w${w}-${i}.png`, inquiry.inquiryAccessToken);
      this.ack(this.uploads, { inquiry, file });
      if (this.stopping) break;
      const message = await guestPost(this.base, inquiry, `Writer ${w}, inquiry ${i}: a photo`, [file.id]);
      this.ack(this.messages, { inquiry, message });
    }
  }

  async stop() {
    this.stopping = true;
    await Promise.all(this.loops);
  }
}

// ---------------------------------------------------------------------------------------

const parseLines = (text) => text.split('\n').filter(Boolean);

async function stats(dataDir) {
  const res = await docket(['events', 'stats', '--data-dir', dataDir]);
  assert.equal(res.code, 0, `events stats ${dataDir}: ${res.stderr}`);
  return JSON.parse(res.stdout);
}

async function exportLog(dataDir) {
  const res = await docket(['events', 'export', '--data-dir', dataDir]);
  assert.equal(res.code, 0, `events export ${dataDir}: ${res.stderr}`);
  return parseLines(res.stdout);
}

test('backup drill: a backup taken under concurrent writes restores to a consistent, verified prefix with every attachment', { timeout: 90000 }, async (t) => {
  const cleanups = [];
  try {
    // 1. The original server.
    const original = await startDocket();
    cleanups.push(() => original.cleanup());
    const base = original.baseUrl;
    const admin = await loginAdmin(base);

    // 2. Data before the backup: guest inquiries with messages and photos, a staff reply
    // with a photo, a shared file (the same bytes uploaded twice), status changes.
    const setup = []; // {inquiry, attachments: [{id, token}]}
    for (let n = 0; n < 4; n++) {
      const inquiry = await createInquiry(base, { subject: `Damaged delivery ${n}`, message: `Box ${n} was crushed` });
      const token = inquiry.inquiryAccessToken;
      const png = await upload(base, pngWithText(n), 'image/png', `box-${n}.png`, token);
      const jpg = await upload(base, jpegWithExif(n), 'image/jpeg', `label-${n}.jpg`, token);
      const posted = await guestPost(base, inquiry, `Photos of box ${n}`, [png.id, jpg.id]);
      assert.deepEqual(posted.attachments.map((a) => a.id), [png.id, jpg.id]);
      await guestPost(base, inquiry, `Order number ${1000 + n}`);
      const attachments = [{ id: png.id, token, file: png }, { id: jpg.id, token, file: jpg }];
      if (n === 0) {
        // The same bytes again: a second attachment, one stored file.
        const again = await upload(base, pngWithText(n), 'image/png', 'box-0-again.png', token);
        assert.equal(again.sha256, png.sha256, 'the same stored bytes');
        await guestPost(base, inquiry, 'Once more', [again.id]);
        attachments.push({ id: again.id, token, file: again });
      }
      if (n === 1) {
        const staffFile = await upload(base, pngWithText(4242), 'image/png', 'return-label.png', admin.token);
        const reply = await call(base, 'POST', `/api/admin/support-inquiries/${inquiry.id}/messages`, {
          token: admin.token, body: { message: 'Print this return label', attachmentIds: [staffFile.id] },
        });
        assert.equal(reply.status, 201, JSON.stringify(reply.body));
        attachments.push({ id: staffFile.id, token, file: staffFile });
      }
      if (n === 2) {
        await adminReply(base, admin.token, inquiry.id, 'We are looking into it');
        const closed = await setStatus(base, admin.token, inquiry.id, 'closed');
        assert.equal(closed.status, 200, JSON.stringify(closed.body));
      }
      if (n === 3) {
        const resolved = await setStatus(base, admin.token, inquiry.id, 'resolved');
        assert.equal(resolved.status, 200, JSON.stringify(resolved.body));
      }
      setup.push({ inquiry, attachments });
    }

    // What the original serves for them, before the backup: the stored (metadata-free)
    // bytes of each attachment, for the guest and for staff, and each conversation.
    const served = new Map(); // attachment id -> {sha256, contentType, size}
    for (const { attachments } of setup) {
      for (const a of attachments) {
        const asGuest = await download(base, a.id, a.token);
        const asStaff = await download(base, a.id, admin.token);
        assert.equal(asGuest.status, 200);
        assert.equal(asStaff.status, 200);
        assert.equal(asGuest.sha256, asStaff.sha256);
        assert.equal(asGuest.sha256, a.file.sha256, 'served bytes have the sha256 of the upload answer');
        assert.equal(asGuest.bytes.indexOf('GPS'), -1, 'metadata removed');
        served.set(a.id, { sha256: asGuest.sha256, contentType: asGuest.contentType, size: asGuest.size });
      }
    }
    const setupBefore = new Map();
    for (const { inquiry } of setup) {
      setupBefore.set(inquiry.id, { detail: await guestDetail(base, inquiry), messages: await guestMessages(base, inquiry) });
    }

    // 3. Writers keep writing; the backup runs in the middle of it.
    const writers = new Writers(base);
    writers.start();
    let backup;
    const backupParent = await makeDataDir();
    cleanups.push(() => rm(backupParent, { recursive: true, force: true }));
    const backupDir = path.join(backupParent, 'backup');
    let acksAtBackupEnd;
    try {
      await waitFor(() => writers.acks >= ACKS_BEFORE_BACKUP || writers.errors.length > 0, {
        timeoutMs: 15000, message: () => `${ACKS_BEFORE_BACKUP} writer acknowledgements (have ${writers.acks})`,
      });
      assert.deepEqual(writers.errors, [], 'the writers ran without errors before the backup');
      writers.backupStarted = true; // set synchronously before the backup is started
      const acksAtBackupStart = writers.acks;
      backup = await docket(['backup', backupDir, '--data-dir', original.dataDir]);
      acksAtBackupEnd = writers.acks;
      t.diagnostic(`backup: ${backup.stdout.trim()} ${backup.stderr.trim()}; writer acks during it: ${acksAtBackupEnd - acksAtBackupStart}`);
      assert.equal(backup.code, 0, `docket backup failed: ${backup.stdout} ${backup.stderr}`);
      // The writers went on after the backup returned.
      await waitFor(() => writers.acks >= acksAtBackupEnd + ACKS_AFTER_BACKUP || writers.errors.length > 0, {
        timeoutMs: 15000, message: () => `${ACKS_AFTER_BACKUP} writer acknowledgements after the backup (have ${writers.acks - acksAtBackupEnd})`,
      });
    } finally {
      // 4. Stop the writers (every write is then acknowledged or failed).
      await writers.stop();
    }
    assert.deepEqual(writers.errors, [], 'no writer request failed while the backup ran');

    const backupAnswer = JSON.parse(backup.stdout);
    assert.equal(backupAnswer.ok, true);
    assert.equal(backupAnswer.dir, backupDir);
    assert.equal(typeof backupAnswer.headAtStart, 'number');
    const backupStats = await stats(backupDir);
    const head = backupStats.head;
    assert.ok(head >= backupAnswer.headAtStart, `backup head ${head} >= headAtStart ${backupAnswer.headAtStart}`);
    assert.notEqual(backupStats.logEpoch, original.ready.logEpoch, 'the backup is a log of its own');
    assert.match(backupStats.logEpoch, /^[0-9a-f]{32}$/);
    const backupFiles = (await readdir(path.join(backupDir, 'attachments'), { recursive: true, withFileTypes: true }))
      .filter((e) => e.isFile());
    assert.equal(backupAnswer.attachmentFiles, backupFiles.length, 'attachmentFiles counts the copied files');
    assert.ok(!backupFiles.some((e) => e.parentPath?.endsWith('/tmp') || e.path?.endsWith('/tmp')), 'tmp/ is left out');

    // Everything acknowledged before the backup began is at or below the backup's head.
    const ackedBefore = {
      inquiries: writers.inquiries.filter((x) => x.beforeBackup),
      messages: writers.messages.filter((x) => x.beforeBackup),
      uploads: writers.uploads.filter((x) => x.beforeBackup),
    };
    assert.ok(ackedBefore.inquiries.length > 0, 'writers opened inquiries before the backup');
    for (const { message } of ackedBefore.messages) {
      assert.ok(message.eventId <= backupAnswer.headAtStart,
        `message event ${message.eventId} acknowledged before the backup is <= headAtStart ${backupAnswer.headAtStart}`);
    }

    // The original's state after the writers stopped: what the restore is compared with.
    const originalList = await adminListAll(base, admin.token);
    for (const { inquiry } of setup) {
      const now = { detail: await guestDetail(base, inquiry), messages: await guestMessages(base, inquiry) };
      assert.deepEqual(now, setupBefore.get(inquiry.id), `inquiry ${inquiry.id} did not change after the backup`);
    }
    const writerInquiries = new Map(writers.inquiries.map(({ inquiry }) => [inquiry.id, inquiry]));
    const originalWriterDetails = new Map();
    for (const inquiry of writerInquiries.values()) {
      originalWriterDetails.set(inquiry.id, await guestDetail(base, inquiry));
    }
    for (const { inquiry, file } of writers.uploads) {
      const got = await download(base, file.id, inquiry.inquiryAccessToken);
      assert.equal(got.status, 200, `writer upload ${file.id} on the original`);
      assert.equal(got.sha256, file.sha256);
      served.set(file.id, { sha256: got.sha256, contentType: got.contentType, size: got.size });
    }

    const stopped = await original.stop();
    assert.equal(stopped.code, 0, `the original stopped cleanly: ${JSON.stringify(stopped)}`);
    const originalStats = await stats(original.dataDir);
    assert.ok(originalStats.head > head, `the original went on writing after the backup (head ${originalStats.head} > ${head})`);
    const originalLog = await exportLog(original.dataDir);
    assert.equal(originalLog.length, originalStats.head);
    const events = originalLog.map((line) => JSON.parse(line));
    const lastEventOf = (stream) => Math.max(0, ...events.filter((e) => e.stream === stream).map((e) => e.eventId));
    const uploadEventOf = (id) => events.find((e) => e.type === 'attachment.uploaded' && e.data.attachmentId === id)?.eventId;

    // 4. Restore into an empty data directory as `docket backup --help` says: log/,
    // jwt-secret and attachments/ from the backup.
    const restoredDir = await makeDataDir();
    cleanups.push(() => rm(restoredDir, { recursive: true, force: true }));
    await cp(path.join(backupDir, 'log'), path.join(restoredDir, 'log'), { recursive: true });
    await cp(path.join(backupDir, 'attachments'), path.join(restoredDir, 'attachments'), { recursive: true });
    await copyFile(path.join(backupDir, 'jwt-secret'), path.join(restoredDir, 'jwt-secret'));

    const restoredLog = await exportLog(restoredDir);
    const liveUploads = restoredLog.map((line) => JSON.parse(line)).filter((e) => e.type === 'attachment.uploaded').length;
    const verify = await docket(['events', 'verify', '--data-dir', restoredDir]);
    assert.equal(verify.code, 0, `events verify on the restored directory: ${verify.stdout} ${verify.stderr}`);
    assert.match(verify.stdout, new RegExp(`^OK: ${head} events, .*head ${head}, logEpoch ${backupStats.logEpoch}, ${liveUploads} attachment files\\n$`));

    // 5. The restored log is the backup's: same epoch and head, and a byte-identical
    // prefix of the original log (hash chain included).
    const restoredStats = await stats(restoredDir);
    assert.equal(restoredStats.head, head);
    assert.equal(restoredStats.logEpoch, backupStats.logEpoch);
    assert.equal(restoredLog.length, head);
    assert.deepEqual(restoredLog, originalLog.slice(0, head), 'the restored log is a prefix of the original');

    const restored = await startServer({ dataDir: restoredDir, env: ENV });
    cleanups.push(() => restored.cleanup());
    assert.equal(restored.ready.logEpoch, backupStats.logEpoch);
    assert.equal(restored.ready.head, head, 'the restored server starts at the backup head');
    const rbase = restored.baseUrl;

    // The original's staff token still works (jwt-secret restored); so does a new login.
    const restoredAdmin = await loginAdmin(rbase);
    assert.equal(restoredAdmin.id, admin.id);
    const staffToken = admin.token;

    // Setup inquiries: identical conversations, and their photos with the served bytes.
    for (const { inquiry, attachments } of setup) {
      const before = setupBefore.get(inquiry.id);
      assert.deepEqual(await guestDetail(rbase, inquiry), before.detail, `guest detail of inquiry ${inquiry.id}`);
      assert.deepEqual(await guestMessages(rbase, inquiry), before.messages, `messages of inquiry ${inquiry.id}`);
      for (const a of attachments) {
        for (const token of [a.token, staffToken]) {
          const got = await download(rbase, a.id, token);
          assert.equal(got.status, 200, `download ${a.id} on the restored server`);
          assert.deepEqual({ sha256: got.sha256, contentType: got.contentType, size: got.size }, served.get(a.id),
            `attachment ${a.id}: the bytes the original served`);
        }
      }
    }

    // Writers' records: acknowledged before the backup => present; present <=> its
    // events are at or below the head; fully captured => reads exactly as the original.
    const restoredList = await adminListAll(rbase, staffToken);
    const inquiriesInPrefix = events.filter((e) => e.eventId <= head && e.type === 'support.inquiry.created').length;
    assert.equal(restoredList.size, inquiriesInPrefix, 'the restored list holds the inquiries of the prefix');
    for (const [id, entry] of restoredList) {
      const orig = originalList.get(id);
      assert.ok(orig, `restored inquiry ${id} was acknowledged by the original`);
      assert.equal(entry.trackingCode, orig.trackingCode, `inquiry ${id}: tracking code`);
      assert.equal(entry.createdAt, orig.createdAt, `inquiry ${id}: createdAt`);
      const stream = `support_inquiry-${id}`;
      const last = lastEventOf(stream);
      if (last <= head) {
        assert.deepEqual(entry, orig, `inquiry ${id}: list entry equals the original's`);
      } else {
        const messagesInPrefix = events.filter((e) => e.stream === stream && e.eventId <= head &&
          e.type === 'support.inquiry_message.created').length;
        assert.equal(entry.messageCount, messagesInPrefix, `inquiry ${id}: messageCount of the prefix`);
        for (const k of ['id', 'trackingCode', 'subject', 'status', 'createdAt', 'guestName', 'guestEmail']) {
          assert.deepEqual(entry[k], orig[k], `inquiry ${id}: ${k}`);
        }
      }
    }
    for (const { inquiry } of setup) {
      assert.deepEqual(restoredList.get(inquiry.id), originalList.get(inquiry.id), `setup inquiry ${inquiry.id} in the list`);
    }
    for (const { inquiry } of ackedBefore.inquiries) {
      assert.ok(restoredList.has(inquiry.id), `inquiry ${inquiry.id} acknowledged before the backup is restored`);
    }

    for (const inquiry of writerInquiries.values()) {
      const created = inquiry.messages.map((m) => m.eventId);
      const inPrefix = created.every((e) => e <= head);
      assert.ok(inPrefix || created.every((e) => e > head), `inquiry ${inquiry.id}'s creation is not split by the cut`);
      assert.equal(restoredList.has(inquiry.id), inPrefix, `inquiry ${inquiry.id} restored iff created within the head`);
      const res = await call(rbase, 'GET', `/api/support-inquiries/${inquiry.id}`, { token: inquiry.inquiryAccessToken });
      if (!inPrefix) {
        assert.notEqual(res.status, 200, `inquiry ${inquiry.id} after the cut is not readable: ${JSON.stringify(res.body)}`);
        continue;
      }
      assert.equal(res.status, 200, `guest token of inquiry ${inquiry.id} works after the restore`);
      const orig = originalWriterDetails.get(inquiry.id);
      if (lastEventOf(`support_inquiry-${inquiry.id}`) <= head) {
        assert.deepEqual(res.body.data, orig, `inquiry ${inquiry.id}: guest detail equals the original's`);
      } else {
        assert.deepEqual(res.body.data.messages, orig.messages.filter((m) => m.eventId <= head),
          `inquiry ${inquiry.id}: the messages of the prefix`);
      }
    }
    for (const { inquiry, message } of writers.messages) {
      const within = message.eventId <= head;
      const msgs = restoredList.has(inquiry.id) ? await guestMessages(rbase, inquiry) : [];
      assert.equal(msgs.some((m) => m.eventId === message.eventId), within,
        `message event ${message.eventId} restored iff within the head ${head}`);
      if (within) {
        assert.deepEqual(msgs.find((m) => m.eventId === message.eventId), message, `message ${message.eventId} reads as acknowledged`);
      }
    }
    for (const { message } of ackedBefore.messages) {
      assert.ok(message.eventId <= head, `message ${message.eventId} acknowledged before the backup is restored`);
    }

    // Writers' uploads: within the head => the bytes the original served; after the cut
    // => 404 like any unknown id.
    let restoredUploads = 0;
    for (const { inquiry, file, beforeBackup } of writers.uploads) {
      const uploadedAt = uploadEventOf(file.id);
      assert.ok(uploadedAt, `upload ${file.id} is in the original log`);
      if (beforeBackup) assert.ok(uploadedAt <= head, `upload ${file.id} acknowledged before the backup is within the head`);
      if (uploadedAt > head) {
        const got = await download(rbase, file.id, staffToken);
        assert.equal(got.status, 404, `upload ${file.id} after the cut is unknown on the restored server`);
        continue;
      }
      restoredUploads++;
      if (!restoredList.has(inquiry.id)) assert.fail(`upload ${file.id} restored without its inquiry ${inquiry.id}`);
      const got = await download(rbase, file.id, inquiry.inquiryAccessToken);
      assert.equal(got.status, 200, `download ${file.id} on the restored server`);
      assert.deepEqual({ sha256: got.sha256, contentType: got.contentType, size: got.size }, served.get(file.id),
        `attachment ${file.id}: the bytes the original served`);
    }
    t.diagnostic(`head at backup start ${backupAnswer.headAtStart}, backup head ${head}, original head ${originalStats.head}; ` +
      `writer inquiries ${writers.inquiries.length} (${ackedBefore.inquiries.length} before the backup, ` +
      `${[...writerInquiries.keys()].filter((id) => restoredList.has(id)).length} restored); ` +
      `writer uploads ${writers.uploads.length} (${restoredUploads} restored)`);

    // The restored server keeps working: a new write goes on after the restored head.
    const after = await createInquiry(rbase, { subject: 'After the restore', message: 'Still there?' });
    assert.ok(after.messages.every((m) => m.eventId > head));
    assert.ok(after.id > Math.max(...restoredList.keys()), 'a new inquiry continues after the restored ones');
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => {});
  }
});
