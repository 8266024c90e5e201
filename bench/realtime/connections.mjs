// Memory of idle Socket.IO connections on docket serve.
//
// A customer opens N/per-room support requests; N sockets, spread over P forked
// socket.io-client processes (worker.mjs), each authenticate with that customer's JWT
// and join one request room (per-room sockets per room). The server's RSS (VmRSS of
// --server-pid) is sampled for a second before the first connect (baseline, after the
// requests were opened) and for --sample-seconds once every socket has joined; the
// increase over the baseline divided by the sockets joined is the memory a connection
// costs.
//
//   node connections.mjs --server-pid PID [--base URL] [--connections 5000]
//     [--per-room 10] [--processes 4] [--concurrency 100] [--sample-seconds 5]
//
// --concurrency bounds the handshakes in flight per client process. Each process needs a
// file descriptor per socket, the server one per connection: raise `ulimit -n` first.
import { parseArgs } from 'node:util';
import {
  Workers, checkFdLimits, fmt, now, reportConnectFailures, rssMiB, setupDocket, sleep, wsMetrics,
} from './lib.mjs';

const { values: opts } = parseArgs({
  options: {
    base: { type: 'string', default: 'http://127.0.0.1:18094' },
    'server-pid': { type: 'string' },
    connections: { type: 'string', default: '5000' },
    'per-room': { type: 'string', default: '10' },
    processes: { type: 'string', default: '4' },
    concurrency: { type: 'string', default: '100' },
    'sample-seconds': { type: 'string', default: '5' },
  },
});
if (!opts['server-pid']) throw new Error('--server-pid is required (the docket serve process)');
const serverPid = Number(opts['server-pid']);
const connections = Number(opts.connections);
const perRoom = Number(opts['per-room']);
const processes = Number(opts.processes);
const sampleSeconds = Number(opts['sample-seconds']);

// Samples the server's RSS every 100 ms for `seconds`: answers {max, steady (median)}.
async function sampleRss(seconds) {
  const samples = [];
  const end = now() + seconds * 1000;
  while (now() < end) {
    samples.push(rssMiB(serverPid));
    await sleep(100);
  }
  samples.sort((a, b) => a - b);
  return { max: samples[samples.length - 1], steady: samples[Math.floor(samples.length / 2)] };
}

const serverFdShort = checkFdLimits({ sockets: connections, processes, serverPid });
const rooms = Math.ceil(connections / perRoom);
const { customerToken, requestIds } = await setupDocket(opts.base, rooms);
const subscribers = Array.from({ length: connections }, (_, id) => ({
  id, room: requestIds[Math.floor(id / perRoom)],
}));
console.log(`setup: rooms=${rooms} per_room=${perRoom} processes=${processes}`);

const baseline = await sampleRss(1);
const workers = await Workers.start(processes);
try {
  const result = await workers.connect({
    base: opts.base, token: customerToken, subscribers,
    concurrency: Number(opts.concurrency), tag: 'connections',
  });
  console.log(`connections: joined=${result.joined.length} failed=${result.failed} ` +
    `connect_s=${fmt(result.ms / 1000, 2)} joins_per_s=${fmt(result.joined.length / (result.ms / 1000), 0)}`);
  reportConnectFailures(result, serverFdShort);
  const loaded = await sampleRss(sampleSeconds);
  const metrics = await wsMetrics(opts.base,
    ['docket_ws_connections', 'docket_ws_connect_errors_total', 'docket_ws_joins_refused_total']);
  const counts = await workers.askAll(() => ({ cmd: 'count' }));
  const disconnects = counts.reduce((n, c) => n + c.disconnects, 0);
  console.log(`server: ${metrics} client_disconnects=${disconnects}`);
  console.log(`rss_mb: baseline=${fmt(baseline.steady)} connected_max=${fmt(loaded.max)} ` +
    `connected_steady=${fmt(loaded.steady)}`);
  const perConnection = ((loaded.steady - baseline.steady) * 1024) / result.joined.length;
  console.log(`rss_per_connection_kb: ${fmt(perConnection)}`);
  if (result.joined.length < connections) process.exitCode = 1;
} finally {
  workers.close();
}
