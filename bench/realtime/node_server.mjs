// The reference for fanout.mjs --target node: the npm `socket.io` server (one Node
// process, websocket transport only) doing the broadcast Docket does, without auth,
// storage or a log:
//
//   POST /rooms/{id}/messages  {message}   → 201 {success:true, data:{id, eventId}}, and
//       to the room support:request:{id}:messages of namespace /support the event
//       support.request_message.created {eventId, room, message:{message, id, createdAt, eventId}}
//   GET /healthz                           → 200
//   /support  support:join_request_messages {supportRequestId} → ack {ok:true, room}
//
//   node node_server.mjs [--port 18095] [--bind 127.0.0.1]
import http from 'node:http';
import { parseArgs } from 'node:util';
import { Server } from 'socket.io';
import { DELTA_EVENT, JOIN_EVENT, NSP, requestRoom } from './lib.mjs';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: '18095' },
    bind: { type: 'string', default: '127.0.0.1' },
  },
});

let eventId = 0;
let messageId = 0;

function answer(res, status, body) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const server = http.createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    answer(res, 200, { success: true, data: { status: 'ok' } });
    return;
  }
  const m = /^\/rooms\/(\d+)\/messages$/.exec(req.url);
  if (req.method !== 'POST' || !m) {
    answer(res, 404, { success: false, errorCode: 'NOT_FOUND' });
    return;
  }
  const chunks = [];
  req.on('data', (chunk) => chunks.push(chunk));
  req.on('end', () => {
    let body;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString());
    } catch {
      answer(res, 400, { success: false, errorCode: 'VALIDATION_ERROR' });
      return;
    }
    const room = requestRoom(m[1]);
    const message = { ...body, id: ++messageId, createdAt: new Date().toISOString(), eventId: ++eventId };
    io.of(NSP).to(room).emit(DELTA_EVENT, { eventId: message.eventId, room, message });
    answer(res, 201, { success: true, data: { id: message.id, eventId: message.eventId } });
  });
});

const io = new Server(server, { transports: ['websocket'], serveClient: false });
io.of(NSP).on('connection', (socket) => {
  socket.on(JOIN_EVENT, (payload, ack) => {
    const id = payload?.supportRequestId;
    if (!Number.isSafeInteger(id) || id < 1) {
      ack?.({ ok: false, errorCode: 'VALIDATION_ERROR', message: 'supportRequestId must be a positive integer' });
      return;
    }
    const room = requestRoom(id);
    socket.join(room);
    ack?.({ ok: true, room });
  });
});

server.listen(Number(opts.port), opts.bind, () => {
  console.log(`node_server: listening on http://${opts.bind}:${server.address().port}`);
});
process.on('SIGTERM', () => { io.close(); process.exit(0); });
