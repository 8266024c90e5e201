// The official protocol test suites — socketio/engine.io-protocol and
// socketio/socket.io-protocol, unmodified copies in ../shared/conformance (its README
// names the commits) — against the built binary in its test configuration
// (DOCKET_WS_ECHO: the suites' echo handlers, their 300 / 200 ms heartbeat). Each suite
// is copied to a scratch folder, installed with `npm ci` from its own lock file and run
// with mocha; every case must pass, and the server must hold no connection afterwards.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { access, chmod, cp, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { startServer } from './lib/docket.js';
import { waitFor } from './lib/inquiries.js';
import { fileURLToPath } from 'node:url';

// import.meta.dirname needs Node 20.11; this works from 18.
const here = path.dirname(fileURLToPath(import.meta.url));

const execFileAsync = promisify(execFile);

const CONFORMANCE = process.env.DOCKET_CONFORMANCE_DIR ??
  path.resolve(here, '../../../shared/conformance');
// The suites target this address; it cannot be changed without editing them.
const PORT = 3000;

const SUITES = [
  { name: 'engine.io-protocol', echo: 'engine.io', path: '/engine.io/' },
  { name: 'socket.io-protocol', echo: 'socket.io', path: '/socket.io/' },
];

async function portIsFree(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

// The suite's own folder, copied and installed.
async function installSuite(name) {
  const source = path.join(CONFORMANCE, name, 'test-suite');
  await access(path.join(source, 'test-suite.js')).catch(() => {
    throw new Error(`${source} is missing: the conformance suites come from ../shared beside the ` +
      'repository (or DOCKET_CONFORMANCE_DIR)');
  });
  const scratch = await mkdtemp(path.join(tmpdir(), `docket-${name}-`));
  const dir = path.join(scratch, 'test-suite');
  await cp(source, dir, { recursive: true });
  await chmod(dir, 0o755);  // the shared copy is read-only; npm ci writes node_modules here
  await execFileAsync('npm', ['ci', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir, timeout: 300_000, maxBuffer: 16 << 20,
  });
  return { scratch, dir };
}

// Runs mocha's JSON reporter over the suite; resolves its report.
async function runMocha(dir) {
  let stdout;
  try {
    ({ stdout } = await execFileAsync(process.execPath,
      [path.join(dir, 'node_modules/mocha/bin/mocha'), '--reporter', 'json', 'test-suite.js'],
      { cwd: dir, timeout: 120_000, maxBuffer: 16 << 20 }));
  } catch (err) {
    if (err.killed) throw new Error(`mocha did not finish in 120 s: ${err.stderr}`);
    stdout = err.stdout;  // mocha exits with the number of failures
  }
  const start = stdout.indexOf('{');
  assert.ok(start >= 0, `no JSON report from mocha: ${stdout}`);
  return JSON.parse(stdout.slice(start));
}

async function gauge(baseUrl, name) {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  assert.ok(line, `${name} in /metrics`);
  return Number(line.split(' ')[1]);
}

for (const suite of SUITES) {
  test(`the official ${suite.name} test suite passes, every case`, { timeout: 600_000 }, async () => {
    const { scratch, dir } = await installSuite(suite.name);
    assert.ok(await portIsFree(PORT), `port ${PORT} (the suites' fixed address) is in use`);
    const server = await startServer({
      port: PORT,
      env: {
        DOCKET_WS_ECHO: suite.echo,
        DOCKET_WS_PATH: suite.path,
        DOCKET_WS_PING_INTERVAL_MS: '300',
        DOCKET_WS_PING_TIMEOUT_MS: '200',
        DOCKET_WS_CONNECT_TIMEOUT_MS: '1000',
      },
    });
    try {
      const report = await runMocha(dir);
      const failures = report.failures.map((f) => `${f.fullTitle}: ${f.err?.message}`);
      assert.deepEqual(failures, [], `${suite.name}: failing cases`);
      assert.equal(report.stats.pending, 0, 'no case skipped');
      assert.ok(report.stats.tests >= 20, `the whole suite ran (${report.stats.tests} cases)`);
      assert.equal(report.stats.passes, report.stats.tests);
      // What the cases left open ends by the heartbeat: nothing is held afterwards.
      let open;
      await waitFor(async () => {
        open = await gauge(server.baseUrl, 'docket_ws_connections') +
          await gauge(server.baseUrl, 'docket_ws_polling_sessions');
        return open === 0;
      }, { timeoutMs: 10000, intervalMs: 100, message: () => `no websocket or polling session left open (${open} open)` });
      // The test configuration announces itself.
      assert.ok(server.logs.some((l) => l.msg === 'realtime.echo_handlers' && l.handlers === suite.echo));
    } finally {
      await server.stop();
      await server.cleanup();
      await rm(scratch, { recursive: true, force: true });
    }
  });
}

test('the echo handlers are off by default: the support namespace answers, heartbeats stay >= 1 s', async () => {
  const server = await startServer();
  try {
    const res = await fetch(`${server.baseUrl}/socket.io/?EIO=4&transport=polling`);
    const open = JSON.parse((await res.text()).slice(1));
    assert.equal(open.pingInterval, 25000);
    const post = await fetch(`${server.baseUrl}/socket.io/?EIO=4&transport=polling&sid=${open.sid}`,
      { method: 'POST', body: '40/custom,' });
    assert.equal(post.status, 200);
    const answer = await (await fetch(
      `${server.baseUrl}/socket.io/?EIO=4&transport=polling&sid=${open.sid}`)).text();
    assert.equal(answer, '44/custom,{"message":"Invalid namespace"}');
    assert.ok(!server.logs.some((l) => l.msg === 'realtime.echo_handlers'));
  } finally {
    await server.stop();
    await server.cleanup();
  }
  // A short heartbeat without the test configuration is refused at start.
  await assert.rejects(startServer({ env: { DOCKET_WS_PING_INTERVAL_MS: '300' } }),
    /DOCKET_WS_ECHO/);
});
