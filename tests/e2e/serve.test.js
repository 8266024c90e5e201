// The server process: start on an empty data directory, operator commands while it
// runs, graceful stop on SIGTERM, restart on the same data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { docket, startServer } from './lib/docket.js';

test('serve starts on an empty data directory, stops on SIGTERM with exit 0, restarts', async () => {
  const server = await startServer();
  const backupDir = path.join(server.dataDir, '..', path.basename(server.dataDir) + '-backup');
  try {
    assert.equal(server.ready.head, 2, 'the permission catalogue and the default SLA policy');
    assert.match(server.ready.logEpoch, /^[0-9a-f]{32}$/);

    const stats = await docket(['events', 'stats', '--data-dir', server.dataDir]);
    assert.equal(stats.code, 0, stats.stderr);
    assert.equal(JSON.parse(stats.stdout).logEpoch, server.ready.logEpoch);

    const backup = await docket(['backup', backupDir, '--data-dir', server.dataDir]);
    assert.equal(backup.code, 0, backup.stderr);
    assert.equal(JSON.parse(backup.stdout).ok, true);

    const { code } = await server.stop();
    assert.equal(code, 0);
    assert.ok(server.logs.some((l) => l.msg === 'server.stopped'));

    const again = await startServer({ dataDir: server.dataDir });
    assert.equal(again.ready.logEpoch, server.ready.logEpoch, 'same log after restart');
    assert.equal((await again.stop()).code, 0);
  } finally {
    await server.cleanup();
    await rm(backupDir, { recursive: true, force: true });
  }
});

test('a second server on the same data directory refuses to start', async () => {
  const server = await startServer();
  try {
    await assert.rejects(startServer({ dataDir: server.dataDir }), /exited early with 1/);
  } finally {
    await server.cleanup();
  }
});
