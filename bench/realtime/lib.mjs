// Shared pieces of the realtime benchmarks (connections.mjs, fanout.mjs): the clock,
// HTTP calls over a keep-alive agent, the Docket setup (admin login, a customer owning
// the benchmark's support requests), /proc readings of a process (RSS, CPU), /metrics,
// percentiles, and the pool of forked socket.io-client processes (worker.mjs).
import { fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';

export const NSP = '/support';
export const JOIN_EVENT = 'support:join_request_messages';
export const DELTA_EVENT = 'support.request_message.created';
export const ADMIN_EMAIL = 'bench-admin@example.com';
export const ADMIN_PASSWORD = 'bench-admin-password';

export const requestRoom = (id) => `support:request:${id}:messages`;

// Milliseconds with sub-millisecond precision, comparable across the processes of one
// machine (each process's timeOrigin is the wall-clock time it started).
export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// One HTTP request with a JSON body. Answers {status, text, at}: `at` is now() when the
// whole answer was read. A transport error rejects.
export function request(agent, base, method, path, { token, body } = {}) {
  const url = new URL(path, base);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const headers = {};
  if (payload !== undefined) {
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(payload);
  }
  if (token) headers.authorization = `Bearer ${token}`;
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (chunk) => chunks.push(chunk));
      res.on('end', () => resolve({
        status: res.statusCode, text: Buffer.concat(chunks).toString(), at: now(),
      }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(payload);
  });
}

// request() that expects `status` and answers the parsed body's `data`.
export async function callJson(agent, base, method, path, status, opts) {
  const res = await request(agent, base, method, path, opts);
  if (res.status !== status) {
    throw new Error(`${method} ${path}: expected ${status}, got ${res.status}: ${res.text.slice(0, 300)}`);
  }
  return JSON.parse(res.text).data;
}

// Runs `fn(i)` for i in 0 … count-1 with at most `limit` calls in flight; answers the
// results in order.
export async function pool(count, limit, fn) {
  const out = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const i = next++;
      out[i] = await fn(i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, count) }, lane));
  return out;
}

// Logs the bootstrap admin in, registers a fresh customer and has it open `rooms`
// support requests. Answers {adminToken, customerToken, requestIds}.
export async function setupDocket(base, rooms) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  try {
    const admin = await callJson(agent, base, 'POST', '/api/auth/login', 200, {
      body: { email: ADMIN_EMAIL, password: ADMIN_PASSWORD },
    });
    const email = `bench-${randomBytes(6).toString('hex')}@example.com`;
    const customer = await callJson(agent, base, 'POST', '/api/auth/register', 201, {
      body: { email, password: 'bench-customer-password-1', name: 'Bench' },
    });
    const requestIds = await pool(rooms, 16, async (i) => {
      const created = await callJson(agent, base, 'POST', '/api/mobile/support-requests', 201, {
        token: customer.token,
        body: { subject: `Bench room ${i}`, category: 'billing', message: 'Bench room opened' },
      });
      return created.id;
    });
    return { adminToken: admin.token, customerToken: customer.token, requestIds };
  } finally {
    agent.destroy();
  }
}

// VmRSS of `pid` in MiB.
export function rssMiB(pid) {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(m[1]) / 1024;
}

// User + system CPU seconds `pid` has used (/proc/<pid>/stat, 100 ticks a second).
export function cpuSeconds(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;  // utime, stime
}

// The docket_ws_* series of GET /metrics, named, as one line "name=value …"; a server
// that does not answer within 5 s gives "unavailable (…)".
export async function wsMetrics(base, names) {
  try {
    const res = await fetch(new URL('/metrics', base), { signal: AbortSignal.timeout(5000) });
    const text = await res.text();
    return names.map((name) => `${name}=${new RegExp(`^${name} (\\S+)$`, 'm').exec(text)?.[1]}`).join(' ');
  } catch (err) {
    return `unavailable (${err.cause?.code ?? err.name})`;
  }
}

// The soft "Max open files" limit of `pid` (or "self").
export function fdLimit(pid) {
  const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(`/proc/${pid}/limits`, 'utf8'));
  return m[1] === 'unlimited' ? Infinity : Number(m[1]);
}

// Warns when the client processes (each holding its share of `sockets`; they inherit
// this process's limit) or the server (when its pid is known) may run out of file
// descriptors. Answers whether the server's limit is too low.
export function checkFdLimits({ sockets, processes, serverPid }) {
  const margin = 200;
  const own = fdLimit('self');
  if (own < Math.ceil(sockets / processes) + margin) {
    console.error(`warning: a client process may open ${Math.ceil(sockets / processes)} sockets ` +
      `but ulimit -n is ${own}: expect EMFILE (ulimit -n 65536 first)`);
  }
  if (serverPid === undefined) return false;
  const server = fdLimit(serverPid);
  if (server >= sockets + margin) return false;
  console.error(`warning: the server (pid ${serverPid}) may hold ${sockets} websockets but its ` +
    `file-descriptor limit is ${server}: it will fail to accept (start it after ulimit -n 65536)`);
  return true;
}

// The value at quantile q (0 … 1) of an ascending array; NaN when empty.
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

export const fmt = (x, digits = 1) => (Number.isFinite(x) ? x.toFixed(digits) : 'n/a');

// `processes` forked worker.mjs processes. Workers.start() resolves once each has
// loaded (a worker's first message says so); ask(i, msg) sends one command to worker i
// and resolves its answer (each worker answers its commands in order); close() ends
// them all.
export class Workers {
  static async start(processes) {
    const workers = new Workers(processes);
    await Promise.all(workers.pending.map((queue) => new Promise((resolve, reject) => {
      queue.push({ resolve, reject });
    })));
    return workers;
  }

  constructor(processes) {
    this.procs = [];
    this.pending = [];
    for (let i = 0; i < processes; i++) {
      const proc = fork(new URL('./worker.mjs', import.meta.url), [], { serialization: 'advanced' });
      const queue = [];
      proc.on('message', (msg) => queue.shift()?.resolve(msg));
      proc.on('exit', (code, signal) => {
        for (const waiter of queue.splice(0)) {
          waiter.reject(new Error(`client process ${i} exited (${code ?? signal})`));
        }
      });
      this.procs.push(proc);
      this.pending.push(queue);
    }
  }

  get size() { return this.procs.length; }
  get pids() { return this.procs.map((p) => p.pid); }

  ask(i, msg) {
    return new Promise((resolve, reject) => {
      this.pending[i].push({ resolve, reject });
      this.procs[i].send(msg);
    });
  }

  askAll(msgFor) {
    return Promise.all(this.procs.map((_, i) => this.ask(i, msgFor(i))));
  }

  // Subscribers [{id, room}] dealt round-robin to the workers, connected and joined
  // there. Answers {joined: [subscriber ids], failed, errors: {text: count}, emfile, ms}.
  async connect({ base, token, subscribers, concurrency, tag, transports }) {
    const started = now();
    const shares = this.procs.map(() => []);
    subscribers.forEach((s, i) => shares[i % shares.length].push(s));
    const answers = await this.askAll((i) => ({
      cmd: 'connect', base, token, subscribers: shares[i], concurrency, tag, transports,
    }));
    const out = { joined: [], failed: 0, errors: {}, emfile: false, ms: now() - started };
    for (const a of answers) {
      out.joined.push(...a.joined);
      out.failed += a.failed;
      out.emfile ||= a.emfile;
      for (const [text, count] of Object.entries(a.errors)) out.errors[text] = (out.errors[text] ?? 0) + count;
    }
    return out;
  }

  close() {
    for (const proc of this.procs) {
      if (proc.connected) proc.send({ cmd: 'close' });
    }
  }
}

// Prints the connect failures of Workers#connect; with EMFILE in the clients, or a
// server whose file-descriptor limit is too low (checkFdLimits), says how to fix it.
export function reportConnectFailures({ failed, errors, emfile }, serverFdShort) {
  if (failed === 0) return;
  for (const [text, count] of Object.entries(errors).sort((a, b) => b[1] - a[1]).slice(0, 5)) {
    console.log(`connect_errors: ${count} × ${text}`);
  }
  if (emfile) {
    console.error('error: EMFILE (too many open files) in the client processes: raise the ' +
      'file-descriptor limit (ulimit -n 65536; run.sh does) and run again');
  }
  if (serverFdShort) {
    console.error('error: the server is likely out of file descriptors (it logs ' +
      'http.accept_failed "Too many open files"; clients time out): start it after ulimit -n 65536');
  }
}
