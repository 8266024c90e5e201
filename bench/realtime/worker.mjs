// A socket.io-client process of the realtime benchmarks, forked by lib.mjs (Workers).
// It holds its share of the subscriber sockets and answers the parent's commands over
// IPC, one answer per command, in order, after a first {ready:true} once loaded:
//
//   {cmd:'connect', base, token, subscribers:[{id, room}], concurrency, tag, transports}
//       opens one socket per subscriber (at most `concurrency` handshakes at once; over
//       `transports`: "websocket" (default), "polling", or "default" — socket.io-client's
//       own, polling then the upgrade),
//       joins it to request `room`, and from then on records every delta whose message
//       text is `bench <tag>:<seq>`: (seq, subscriber id, receipt time).
//       → {joined:[ids], failed, errors:{text:count}, emfile}
//   {cmd:'count'}   → {deliveries, disconnects}  (deliveries recorded so far)
//   {cmd:'report'}  → {seq: Int32Array, subscriber: Int32Array, at: Float64Array, disconnects}
//   {cmd:'close'}   closes every socket and exits.
//
// The receipt time is taken first thing in the event handler (lib.mjs now()).
import http from 'node:http';
import { io } from 'socket.io-client';
import { DELTA_EVENT, JOIN_EVENT, NSP, now, pool } from './lib.mjs';

// Long-polling requests reuse their connections, as a browser's do: socket.io-client's
// Node XMLHttpRequest opens a new TCP connection per request unless it is given an
// agent (engine.io-client's `agent` option).
const keepAlive = new http.Agent({ keepAlive: true });

const TIMEOUT_MS = 20000;
const sockets = [];
const seqs = [];
const subscriberIds = [];
const times = [];
let disconnects = 0;
let closing = false;

// A connect_error or ack failure as a short text; the transport's own error (ws: EMFILE,
// ECONNREFUSED, ECONNRESET …) is in err.description when there is one.
function describe(err) {
  const cause = err?.description?.error ?? err?.description;
  const detail = cause?.code ?? cause?.message;
  return detail ? `${err.message} (${detail})` : String(err?.message ?? err);
}

// Connects and joins one subscriber; answers null or the failure's text.
async function subscribe({ base, token, tag, transports = 'websocket' }, { id, room }) {
  const socket = io(base + NSP, {
    ...(transports === 'default' ? {} : { transports: [transports] }),
    ...(transports === 'websocket' ? {} : { agent: keepAlive }),
    forceNew: true,
    reconnection: false,
    timeout: TIMEOUT_MS,
    auth: token ? { token } : {},
  });
  sockets.push(socket);
  const pattern = new RegExp(`^bench ${tag}:(\\d+)$`);
  socket.on(DELTA_EVENT, (delta) => {
    const at = now();
    const m = pattern.exec(delta?.message?.message ?? '');
    if (!m) return;
    seqs.push(Number(m[1]));
    subscriberIds.push(id);
    times.push(at);
  });
  try {
    await new Promise((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    const answer = await socket.timeout(TIMEOUT_MS).emitWithAck(JOIN_EVENT, { supportRequestId: room });
    if (answer?.ok !== true) return `join refused: ${answer?.errorCode ?? JSON.stringify(answer)}`;
  } catch (err) {
    socket.close();
    return describe(err);
  }
  socket.on('disconnect', () => { if (!closing) disconnects++; });
  return null;
}

async function connect(msg) {
  const results = await pool(msg.subscribers.length, msg.concurrency,
    (i) => subscribe(msg, msg.subscribers[i]));
  const answer = { joined: [], failed: 0, errors: {}, emfile: false };
  results.forEach((failure, i) => {
    if (failure === null) {
      answer.joined.push(msg.subscribers[i].id);
    } else {
      answer.failed++;
      answer.errors[failure] = (answer.errors[failure] ?? 0) + 1;
      answer.emfile ||= failure.includes('EMFILE');
    }
  });
  return answer;
}

process.on('message', async (msg) => {
  switch (msg.cmd) {
    case 'connect':
      process.send(await connect(msg));
      break;
    case 'count':
      process.send({ deliveries: seqs.length, disconnects });
      break;
    case 'report':
      process.send({
        seq: Int32Array.from(seqs),
        subscriber: Int32Array.from(subscriberIds),
        at: Float64Array.from(times),
        disconnects,
      });
      break;
    case 'close':
      closing = true;
      for (const socket of sockets) socket.close();
      process.exit(0);
  }
});
// The parent went away: nothing left to answer to.
process.on('disconnect', () => process.exit(0));
process.send({ ready: true });
