// Fan-out of message deltas: REST posts into rooms, Socket.IO deliveries to the rooms'
// subscribers, against docket serve (--target docket) or the reference Node socket.io
// server of node_server.mjs (--target node), measured the same way.
//
// R rooms × S subscribers: sockets spread over P forked socket.io-client processes
// (worker.mjs), each joined to its room. Docket: a fresh customer opens R support
// requests and its JWT authenticates the subscribers; --poster customer (default) posts
// the customer's own replies (POST /api/mobile/support-requests/{id}/messages), --poster
// staff the bootstrap admin's (POST /api/admin/support-requests/{id}/messages), each of
// which also e-mails the customer (an outbox row and, without SMTP_URL, an .eml file
// written and fsynced). Node: rooms 1 … R, POST /rooms/{id}/messages, no auth.
//
// This process posts, each message into a random room over keep-alive connections:
//   --rate N    open loop: post i is due at start + i/N; at most --max-inflight posts are
//               in flight, a post due while that many are is skipped (counted: the
//               poster could not keep up);
//   --rate max  closed loop: --concurrency posters, each posting again when its answer
//               arrived.
// Posting runs --warmup seconds (not measured) then --duration seconds (the window).
// A message's text is `bench <run tag>:<seq>`; the time its POST answer was read and the
// time each subscriber received its delta are taken with performance.timeOrigin +
// performance.now() (comparable across the processes of one machine). After the window
// the in-flight posts finish and deliveries are awaited until all arrived or none came
// for 2 s.
//
// Reported, for the posts issued in the window that were answered 201: expected
// deliveries (each post × its room's joined subscribers), delivered, missing, duplicate
// (same post, same subscriber), unexpected (a post that failed, or another room's
// subscriber), latency from the POST answer to receipt (a delivery before the answer
// counts as 0 ms; how many did is reported), the same from the moment the POST was sent
// (Docket answers a reply after its deltas were queued, so most deliveries precede the
// answer), and deliveries/s: deliveries received in the window / its length. CPU seconds of the server (--server-pid), the client
// processes and this poster over the window tell which of them was the bottleneck.
//
//   node fanout.mjs [--target docket|node] [--poster customer|staff] [--base URL]
//     [--transports websocket|polling|default] [--connect-concurrency 100]
//     [--rooms 200] [--subscribers 10]
//     [--processes 4] [--rate 2000|max] [--concurrency 64] [--max-inflight 256]
//     [--duration 10] [--warmup 3] [--server-pid PID]
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { parseArgs } from 'node:util';
import {
  Workers, checkFdLimits, cpuSeconds, fmt, now, quantile, reportConnectFailures, request,
  setupDocket, sleep, wsMetrics,
} from './lib.mjs';

const { values: opts } = parseArgs({
  options: {
    target: { type: 'string', default: 'docket' },
    poster: { type: 'string', default: 'customer' },
    transports: { type: 'string', default: 'websocket' },
    'connect-concurrency': { type: 'string', default: '100' },
    base: { type: 'string', default: 'http://127.0.0.1:18094' },
    rooms: { type: 'string', default: '200' },
    subscribers: { type: 'string', default: '10' },
    processes: { type: 'string', default: '4' },
    rate: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '64' },
    'max-inflight': { type: 'string', default: '256' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    'server-pid': { type: 'string' },
  },
});
if (opts.target !== 'docket' && opts.target !== 'node') throw new Error('--target is docket or node');
if (opts.poster !== 'customer' && opts.poster !== 'staff') throw new Error('--poster is customer or staff');
const docket = opts.target === 'docket';
const rooms = Number(opts.rooms);
const perRoom = Number(opts.subscribers);
const processes = Number(opts.processes);
const closedLoop = opts.rate === 'max';
const rate = closedLoop ? Infinity : Number(opts.rate);
const concurrency = Number(opts.concurrency);
const maxInflight = Number(opts['max-inflight']);
const durationMs = Number(opts.duration) * 1000;
const warmupMs = Number(opts.warmup) * 1000;
const serverPid = opts['server-pid'] ? Number(opts['server-pid']) : undefined;
const tag = randomBytes(4).toString('hex');

// ---- Rooms and subscribers

const serverFdShort = checkFdLimits({ sockets: rooms * perRoom, processes, serverPid });

let roomIds;
let subscriberToken;
let postToken;
let postPath;
if (docket) {
  const setup = await setupDocket(opts.base, rooms);
  roomIds = setup.requestIds;
  subscriberToken = setup.customerToken;
  if (opts.poster === 'staff') {
    postToken = setup.adminToken;
    postPath = (id) => `/api/admin/support-requests/${id}/messages`;
  } else {
    postToken = setup.customerToken;
    postPath = (id) => `/api/mobile/support-requests/${id}/messages`;
  }
} else {
  roomIds = Array.from({ length: rooms }, (_, i) => i + 1);
  postPath = (id) => `/rooms/${id}/messages`;
}
// Subscriber s is in room index floor(s / perRoom).
const subscribers = Array.from({ length: rooms * perRoom }, (_, id) => ({
  id, room: roomIds[Math.floor(id / perRoom)],
}));
console.log(`target: ${opts.target}${docket ? ` poster=${opts.poster}` : ''} transports=${opts.transports} rooms=${rooms} subscribers=${perRoom} processes=${processes} ` +
  `mode=${closedLoop ? `closed concurrency=${concurrency}` : `open rate=${rate}/s max_inflight=${maxInflight}`} ` +
  `duration_s=${durationMs / 1000} warmup_s=${warmupMs / 1000}`);

const workers = await Workers.start(processes);
try {
  const joined = await workers.connect({
    base: opts.base, token: subscriberToken, subscribers, tag,
    concurrency: Number(opts['connect-concurrency']), transports: opts.transports,
  });
  console.log(`connections: joined=${joined.joined.length} failed=${joined.failed}`);
  reportConnectFailures(joined, serverFdShort);
  const joinedPerRoom = new Int32Array(rooms);
  const isJoined = new Uint8Array(subscribers.length);
  for (const id of joined.joined) {
    isJoined[id] = 1;
    joinedPerRoom[Math.floor(id / perRoom)]++;
  }

  // ---- Posting

  // Per post (index = seq): room index, answered 201, in the window, send and answer time.
  const postRoom = [];
  const postOk = [];
  const postMeasured = [];
  const sentAt = [];
  const answeredAt = [];
  const postLatency = [];
  const errors = {};
  let inflight = 0;
  let skipped = 0;
  const agent = new http.Agent({ keepAlive: true, maxSockets: closedLoop ? concurrency : maxInflight });

  const start = now();
  const windowStart = start + warmupMs;
  const windowEnd = windowStart + durationMs;

  async function post() {
    const seq = postRoom.length;
    const room = Math.floor(Math.random() * rooms);
    const issued = now();
    postRoom.push(room);
    postOk.push(false);
    postMeasured.push(issued >= windowStart);
    sentAt.push(issued);
    answeredAt.push(NaN);
    inflight++;
    try {
      const res = await request(agent, opts.base, 'POST', postPath(roomIds[room]), {
        token: postToken, body: { message: `bench ${tag}:${seq}` },
      });
      answeredAt[seq] = res.at;
      if (res.status === 201) {
        postOk[seq] = true;
        if (postMeasured[seq]) postLatency.push(res.at - issued);
      } else {
        const key = `HTTP ${res.status} ${res.text.slice(0, 120)}`;
        errors[key] = (errors[key] ?? 0) + 1;
      }
    } catch (err) {
      const key = err.code ?? err.message;
      errors[key] = (errors[key] ?? 0) + 1;
    } finally {
      inflight--;
    }
  }

  // CPU counters read when the window opens and when it closes.
  const cpuPids = [serverPid, ...workers.pids, process.pid];
  const readCpu = () => cpuPids.map((pid) => (pid === undefined ? NaN : cpuSeconds(pid)));
  async function windowCpu() {
    await sleep(windowStart - now());
    const before = readCpu();
    await sleep(windowEnd - now());
    return readCpu().map((after, i) => after - before[i]);
  }

  async function posting() {
    if (closedLoop) {
      await Promise.all(Array.from({ length: concurrency }, async () => {
        while (now() < windowEnd) await post();
      }));
      return;
    }
    let due = 0;
    for (let t = now(); t < windowEnd; t = now()) {
      for (const target = Math.floor(((t - start) * rate) / 1000); due < target; due++) {
        if (inflight < maxInflight) {
          post();
        } else if (t >= windowStart) {
          skipped++;
        }
      }
      await sleep(1);
    }
  }

  const [cpu] = await Promise.all([windowCpu(), posting()]);
  // The open loop returns with posts still in flight; they count.
  const drainDeadline = now() + 30000;
  while (inflight > 0 && now() < drainDeadline) await sleep(5);

  // ---- Waiting for the deliveries

  let expectedAll = 0;
  for (let seq = 0; seq < postRoom.length; seq++) {
    if (postOk[seq]) expectedAll += joinedPerRoom[postRoom[seq]];
  }
  let received = -1;
  let stableSince = now();
  const deliveryDeadline = now() + 30000;
  for (;;) {
    const counts = await workers.askAll(() => ({ cmd: 'count' }));
    const total = counts.reduce((n, c) => n + c.deliveries, 0);
    if (total !== received) { received = total; stableSince = now(); }
    if (total >= expectedAll || now() - stableSince > 2000 || now() > deliveryDeadline) break;
    await sleep(100);
  }

  // ---- Analysis

  const reports = await workers.askAll(() => ({ cmd: 'report' }));
  let posted = 0;
  let failed = 0;
  let expected = 0;
  for (let seq = 0; seq < postRoom.length; seq++) {
    if (!postMeasured[seq]) continue;
    if (postOk[seq]) {
      posted++;
      expected += joinedPerRoom[postRoom[seq]];
    } else {
      failed++;
    }
  }
  const seen = new Set();
  const latencies = [];
  const sendLatencies = [];
  let duplicate = 0;
  let unexpected = 0;
  let beforeAnswer = 0;
  let inWindow = 0;
  let disconnects = 0;
  for (const r of reports) {
    disconnects += r.disconnects;
    for (let i = 0; i < r.seq.length; i++) {
      const seq = r.seq[i];
      const subscriber = r.subscriber[i];
      const at = r.at[i];
      if (at >= windowStart && at < windowEnd) inWindow++;
      if (seq >= postRoom.length || !postMeasured[seq]) continue;
      if (!postOk[seq] || Math.floor(subscriber / perRoom) !== postRoom[seq] || !isJoined[subscriber]) {
        unexpected++;
        continue;
      }
      const key = seq * subscribers.length + subscriber;
      if (seen.has(key)) { duplicate++; continue; }
      seen.add(key);
      const latency = at - answeredAt[seq];
      if (latency < 0) beforeAnswer++;
      latencies.push(Math.max(0, latency));
      sendLatencies.push(at - sentAt[seq]);
    }
  }
  latencies.sort((a, b) => a - b);
  sendLatencies.sort((a, b) => a - b);
  postLatency.sort((a, b) => a - b);
  const windowS = durationMs / 1000;

  console.log(`posted: ${posted} failed=${failed} skipped=${skipped} ` +
    `achieved_rate=${fmt(posted / windowS)}/s${closedLoop ? '' : ` target_rate=${rate}/s`}`);
  for (const [text, count] of Object.entries(errors)) console.log(`post_errors: ${count} × ${text}`);
  console.log(`post_latency_ms p50=${fmt(quantile(postLatency, 0.5), 2)} ` +
    `p99=${fmt(quantile(postLatency, 0.99), 2)} max=${fmt(postLatency[postLatency.length - 1], 2)}`);
  console.log(`deliveries: expected=${expected} delivered=${seen.size} missing=${expected - seen.size} ` +
    `duplicate=${duplicate} unexpected=${unexpected} before_response=${beforeAnswer} ` +
    `client_disconnects=${disconnects}`);
  console.log(`latency_ms p50=${fmt(quantile(latencies, 0.5), 2)} p90=${fmt(quantile(latencies, 0.9), 2)} ` +
    `p99=${fmt(quantile(latencies, 0.99), 2)} max=${fmt(latencies[latencies.length - 1], 2)}`);
  console.log(`latency_from_send_ms p50=${fmt(quantile(sendLatencies, 0.5), 2)} ` +
    `p90=${fmt(quantile(sendLatencies, 0.9), 2)} p99=${fmt(quantile(sendLatencies, 0.99), 2)} ` +
    `max=${fmt(sendLatencies[sendLatencies.length - 1], 2)}`);
  console.log(`deliveries_per_s: ${fmt(inWindow / windowS)}`);
  const clientCpu = cpu.slice(1, -1).reduce((a, b) => a + b, 0);
  console.log(`cpu_s: server=${fmt(cpu[0], 2)} clients=${fmt(clientCpu, 2)} poster=${fmt(cpu[cpu.length - 1], 2)} ` +
    `window_s=${windowS}`);
  if (docket) {
    console.log(`server: ${await wsMetrics(opts.base, ['docket_ws_deltas_sent_total',
      'docket_ws_closed_slow_consumer_total', 'docket_ws_connections'])}`);
  }
  if (failed > 0 || expected !== seen.size || joined.failed > 0) process.exitCode = 1;
} finally {
  workers.close();
}
