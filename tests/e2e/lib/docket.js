// Starts and stops the built docket binary for black-box tests.
//
// DOCKET_BINARY names the binary (scripts/dev test sets it); each server gets a fresh
// temporary data directory and a free port.
import { registerServer } from './contract.js';
import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';

// import.meta.dirname needs Node 20.11; this works from 18.
const here = path.dirname(fileURLToPath(import.meta.url));

const execFileAsync = promisify(execFile);

export const binary = process.env.DOCKET_BINARY ??
  path.resolve(here, '../../../build/cli/docket');

export async function makeDataDir() {
  return mkdtemp(path.join(tmpdir(), 'docket-e2e-'));
}

// Runs `docket ...args`; resolves {code, stdout, stderr} whatever the exit status.
export async function docket(args, { env = {} } = {}) {
  try {
    const { stdout, stderr } = await execFileAsync(binary, args, {
      env: { ...process.env, ...env },
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout, stderr };
  } catch (err) {
    if (typeof err.code !== 'number') throw err;
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

// Starts `docket serve` (on a free port unless `port` is given) and resolves once it
// logged server.ready.
// Returns {proc, dataDir, logs, ready, stop()}; stop() sends SIGTERM and resolves the
// exit code. Log lines are parsed JSON objects in `logs`.
export async function startServer({ dataDir, env = {}, args = [], port } = {}) {
  dataDir ??= await makeDataDir();
  const proc = spawn(binary, ['serve', '--data-dir', dataDir, '--port', String(port ?? 0), ...args], {
    env: { ...process.env, DOCKET_RATE_LIMIT_ENABLED: 'false', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const logs = [];
  const exited = new Promise((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  let buffered = '';
  const ready = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('server did not become ready in 20 s')), 20000);
    proc.stderr.on('data', (chunk) => {
      buffered += chunk;
      let nl;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        let entry;
        try { entry = JSON.parse(line); } catch { entry = { raw: line }; }
        logs.push(entry);
        if (entry.msg === 'server.ready') { clearTimeout(timer); resolve(entry); }
      }
    });
    exited.then(({ code }) => { clearTimeout(timer); reject(new Error(`server exited early with ${code}: ${JSON.stringify(logs)}`)); });
  });
  const baseUrl = ready.port ? `http://127.0.0.1:${ready.port}` : undefined;
  if (baseUrl) registerServer(baseUrl);
  return {
    proc, dataDir, logs, ready, baseUrl,
    async stop(signal = 'SIGTERM') {
      proc.kill(signal);
      return exited;
    },
    async cleanup() {
      if (proc.exitCode === null && proc.signalCode === null) { proc.kill('SIGKILL'); await exited; }
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
