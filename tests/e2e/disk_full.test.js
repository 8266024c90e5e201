// A full disk under `docket serve` (decision 0033, docs/reliability.md): the data
// directory lives on a small tmpfs, which a filler file fills up while a guest writes.
// Writes answer 503 STORAGE_UNAVAILABLE and nothing is acknowledged that is not kept;
// reads go on and /readyz says why it is not ready; when the filler goes, the server
// stops by itself with exit status 75 for its supervisor; the log verifies, and after a
// restart every acknowledged message is there and writes work again.
//
// Mounting a tmpfs needs root (as CI runs); elsewhere the test is skipped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { docket, startServer } from './lib/docket.js';
import { call, createInquiry, waitFor } from './lib/inquiries.js';

const isRoot = process.getuid?.() === 0;
// Acknowledged messages a read model may not have written before its disk filled: the
// writes in the group that failed there (one writer here).
const WRITES_IN_FLIGHT = 1;

async function freeBytes(dir) {
  const fs = await statfs(dir);
  return fs.bavail * fs.bsize;
}

test('a full disk stops writes with 503, keeps reads, and the server restarts once there is room',
  { skip: !isRoot && 'mounting a tmpfs needs root' }, async () => {
    const mount = await mkdtemp(path.join(tmpdir(), 'docket-full-'));
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'tmpfs', mount]);
    const dataDir = path.join(mount, 'data');
    const filler = path.join(mount, 'filler');
    let server;
    try {
      server = await startServer({ dataDir });
      const base = server.baseUrl;
      const inquiry = await createInquiry(base, { subject: 'Disk', message: 'Before the disk filled' });
      const token = inquiry.inquiryAccessToken;
      const messages = `/api/support-inquiries/${inquiry.id}/messages`;
      const post = (i) => call(base, 'POST', messages, { token, body: { message: `${'x'.repeat(3000)} ${i}` } });

      const initial = (await call(base, 'GET', messages, { token })).body.data.map((m) => m.id);
      const acknowledged = [];
      for (let i = 0; i < 5; i++) {
        const res = await post(i);
        assert.equal(res.status, 201, JSON.stringify(res.body));
        acknowledged.push(res.body.data.id);
      }

      // Leave no room at all, then write until the log refuses.
      // (The server may take a little more meanwhile: fill until nothing is left.)
      const fillers = [];
      for (let n = 0; n < 50; n++) {
        const free = await freeBytes(mount);
        if (free === 0) break;
        fillers.push(`${filler}-${n}`);
        try { execFileSync('fallocate', ['-l', String(free), fillers.at(-1)]); } catch { /* raced: again */ }
      }
      let refused;
      for (let i = 5; i < 5000 && !refused; i++) {
        const res = await post(i);
        if (res.status === 201) acknowledged.push(res.body.data.id);
        else refused = res;
      }
      assert.ok(refused, 'a write was refused once the disk was full');
      assert.equal(refused.status, 503, JSON.stringify(refused.body));
      assert.equal(refused.body.errorCode, 'STORAGE_UNAVAILABLE');

      // Every later write is refused the same way; reads go on and say exactly what was kept.
      const again = await post('again');
      assert.equal(again.status, 503);
      assert.equal(again.body.errorCode, 'STORAGE_UNAVAILABLE');
      const list = await call(base, 'GET', messages, { token });
      assert.equal(list.status, 200);
      const listed = list.body.data.map((m) => m.id);
      // The read models show what they held when their disk filled: at least every
      // message acknowledged before the first refusal but the last few (a message is
      // acknowledged once durable, and its read model may have failed to write it).
      assert.ok(listed.length >= initial.length + acknowledged.length - WRITES_IN_FLIGHT,
        `${listed.length} messages readable, ${acknowledged.length} acknowledged`);
      for (const id of listed) {
        assert.ok(initial.includes(id) || acknowledged.includes(id), `message ${id} was acknowledged`);
      }
      const ready = await call(base, 'GET', '/readyz');
      assert.equal(ready.status, 503);
      assert.equal(ready.body.errorCode, 'STORAGE_UNAVAILABLE');
      const health = await call(base, 'GET', '/healthz');
      assert.equal(health.status, 200, 'the process is alive');

      // Room again: the server stops by itself and exits 75 for its supervisor.
      const exited = server.proc.exitCode === null ? once(server.proc, 'exit') : [server.proc.exitCode];
      for (const f of fillers) await rm(f, { force: true });
      let timer;
      const [code] = await Promise.race([
        exited,
        new Promise((_, reject) => { timer = setTimeout(() => reject(new Error('no exit within 20 s')), 20000); }),
      ]).finally(() => clearTimeout(timer));
      assert.equal(code, 75);
      assert.ok(server.logs.some((l) => l.msg === 'storage.restart_required'), 'the reason is logged');

      const verified = await docket(['events', 'verify', '--data-dir', dataDir]);
      assert.equal(verified.code, 0, verified.stderr);

      server = await startServer({ dataDir });
      const after = await call(server.baseUrl, 'GET', messages, { token });
      assert.equal(after.status, 200);
      const kept = after.body.data.map((m) => m.id);
      for (const id of acknowledged) assert.ok(kept.includes(id), `acknowledged message ${id} survived the restart`);
      // At most the write that failed can have reached the log without an acknowledgement.
      assert.ok(kept.length <= initial.length + acknowledged.length + 1,
        `${kept.length} messages after the restart, ${acknowledged.length} acknowledged`);
      const resumed = await call(server.baseUrl, 'POST', messages, { token, body: { message: 'Writes resumed' } });
      assert.equal(resumed.status, 201, JSON.stringify(resumed.body));
      await waitFor(async () => (await call(server.baseUrl, 'GET', '/readyz')).status === 200,
        { message: 'ready again' });
    } finally {
      if (server) {
        if (server.proc.exitCode === null && server.proc.signalCode === null) await server.stop();
      }
      try { execFileSync('umount', [mount]); } catch { /* not mounted */ }
      await rm(mount, { recursive: true, force: true });
    }
  });
