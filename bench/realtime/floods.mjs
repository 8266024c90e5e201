// Websocket abuse against docket serve, measured from outside (raw `ws` sockets speaking
// Engine.IO and Socket.IO by hand, so nothing in a client library paces them):
//   1. silent sockets: --silent websockets complete the Engine.IO handshake and never send
//      a Socket.IO CONNECT. The server's RSS before and with them open, GET /healthz
//      latency meanwhile, and how many the server closes by itself within
//      DOCKET_WS_CONNECT_TIMEOUT_MS (--connect-timeout-ms: the server's setting, 45 s by
//      default) plus 5 s;
//   2. a packet flood: one authenticated socket sends join/leave requests for its own
//      support request at --rate packets/s for --seconds, each with an ack id. Printed:
//      packets sent and acknowledged, whether the server closed the socket, the server's
//      RSS and CPU, and GET /healthz latency (p50/p99) from another client during the
//      flood, against the same latency measured before it.
//
//   node floods.mjs --base URL --server-pid PID [--silent 5000] [--rate 10000]
//                   [--seconds 10] [--connect-timeout-ms 45000]
//
// REQUIRES: the server's bootstrap admin is lib.mjs's ADMIN_EMAIL (setupDocket).
import http from 'node:http';
import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { NSP, cpuSeconds, fmt, now, quantile, request, rssMiB, setupDocket, sleep } from './lib.mjs';

const { values: args } = parseArgs({
  options: {
    base: { type: 'string' },
    'server-pid': { type: 'string' },
    silent: { type: 'string', default: '5000' },
    rate: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    'connect-timeout-ms': { type: 'string', default: '45000' },
  },
});
const base = args.base;
const pid = Number(args['server-pid']);
const silentCount = Number(args.silent);
const rate = Number(args.rate);
const seconds = Number(args.seconds);
const connectTimeoutMs = Number(args['connect-timeout-ms']);
const wsUrl = `${base.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;

// GET /healthz latency in ms, `count` times `gapMs` apart on a keep-alive agent, from
// another address (127.0.0.2): another client than the abuser.
async function healthLatencies(count, stopAt = Infinity, gapMs = 5) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1, localAddress: '127.0.0.2' });
  const out = [];
  try {
    for (let i = 0; i < count && now() < stopAt; ++i) {
      const t0 = now();
      const res = await request(agent, base, 'GET', '/healthz');
      if (res.status !== 200) throw new Error(`/healthz answered ${res.status}`);
      out.push(res.at - t0);
      await sleep(gapMs);
    }
  } finally {
    agent.destroy();
  }
  return out.sort((a, b) => a - b);
}
const latencyLine = (sorted) =>
  `p50 ${fmt(quantile(sorted, 0.5), 2)} ms, p99 ${fmt(quantile(sorted, 0.99), 2)} ms (${sorted.length} requests)`;

// Opens a websocket and resolves once the Engine.IO open packet arrived.
function openSocket() {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(wsUrl);
    ws.once('message', (data) => {
      if (String(data).startsWith('0')) resolve(ws);
      else reject(new Error(`unexpected first packet ${String(data).slice(0, 40)}`));
    });
    ws.once('error', reject);
  });
}

// ---- 1. silent sockets -------------------------------------------------------------------
const rssBefore = rssMiB(pid);
const idle = await healthLatencies(200);
console.log(`healthz before: ${latencyLine(idle)}; server RSS ${fmt(rssBefore)} MiB`);

const silent = [];
let closedByServer = 0;
const openedAt = now();
// 50 handshakes at a time: an upgrade in progress is still an HTTP connection, and one
// address holds at most DOCKET_MAX_CONNECTIONS_PER_IP (64) of those.
for (let i = 0; i < silentCount; i += 50) {
  const batch = await Promise.all(Array.from({ length: Math.min(50, silentCount - i) }, openSocket));
  for (const ws of batch) {
    ws.on('close', () => { closedByServer += 1; });
    ws.on('error', () => {});
    silent.push(ws);
  }
}
const rssSilent = rssMiB(pid);
const during = await healthLatencies(200);
console.log(`silent sockets: ${silent.length} open in ${fmt((now() - openedAt) / 1000, 2)} s; ` +
  `server RSS ${fmt(rssSilent)} MiB (+${fmt(rssSilent - rssBefore)} MiB); healthz meanwhile ${latencyLine(during)}`);
const waitUntil = openedAt + connectTimeoutMs + 5000;
while (closedByServer < silent.length && now() < waitUntil) await sleep(100);
console.log(`silent sockets closed by the server within ${connectTimeoutMs} ms + 5 s: ` +
  `${closedByServer} of ${silent.length}; server RSS then ${fmt(rssMiB(pid))} MiB`);
for (const ws of silent) ws.terminate();

// ---- 2. a packet flood -------------------------------------------------------------------
const { customerToken, requestIds } = await setupDocket(base, 1);
const flooder = await openSocket();
await new Promise((resolve, reject) => {
  flooder.on('message', function onConnect(data) {
    const text = String(data);
    if (text.startsWith(`40${NSP},`)) { flooder.off('message', onConnect); resolve(); }
    if (text.startsWith(`44${NSP},`)) reject(new Error(`CONNECT refused: ${text}`));
  });
  flooder.send(`40${NSP},${JSON.stringify({ token: customerToken })}`);
});
let acked = 0;
let closed = false;
flooder.on('message', (data) => {
  const text = String(data);
  if (text === '2') flooder.send('3');  // Engine.IO ping
  else if (text.startsWith(`43${NSP},`)) acked += 1;
});
flooder.on('close', () => { closed = true; });
flooder.on('error', () => {});

const cpuBefore = cpuSeconds(pid);
const floodStart = now();
const floodEnd = floodStart + seconds * 1000;
let sent = 0;
const room = { supportRequestId: requestIds[0] };
const flood = (async () => {
  while (now() < floodEnd && !closed) {
    const due = Math.floor(((now() - floodStart) / 1000) * rate);
    while (sent < due && !closed) {
      const event = sent % 2 === 0 ? 'support:join_request_messages' : 'support:leave_request_messages';
      flooder.send(`42${NSP},${sent + 1}${JSON.stringify([event, room])}`);
      sent += 1;
    }
    await sleep(1);
  }
})();
// Every 50 ms: below the default per-address limit (1,200 a minute) for the whole flood.
const flooded = await healthLatencies(1e9, floodEnd, 50);
await flood;
await sleep(1000);  // the last acks
const cpu = cpuSeconds(pid) - cpuBefore;
console.log(`flood: ${sent} packets in ${fmt((now() - floodStart - 1000) / 1000, 1)} s ` +
  `(${fmt(sent / seconds, 0)}/s), ${acked} acknowledged, socket ${closed ? 'closed by the server' : 'still open'}; ` +
  `server RSS ${fmt(rssMiB(pid))} MiB, server CPU ${fmt(cpu, 2)} s`);
console.log(`healthz during the flood: ${latencyLine(flooded)}`);
flooder.terminate();
process.exit(0);
