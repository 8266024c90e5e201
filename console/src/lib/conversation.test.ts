import { describe, expect, it } from 'vitest';
import { LiveConversation, type Message, type SocketLike } from './conversation';

function msg(eventId: number, text = `m${eventId}`): Message {
  return {
    id: eventId * 10,
    senderType: 'admin',
    senderId: 1,
    message: text,
    createdAt: '2026-12-01T10:00:00.000Z',
    eventId,
    attachments: [],
  };
}

// A socket whose acks the test scripts, and whose listeners it calls.
class FakeSocket implements SocketLike {
  connected = true;
  recovered = false;
  readonly emitted: Array<{ event: string; arg: any }> = [];
  syncAnswer: (arg: any) => any = () => ({ ok: true, events: [], gapDetected: false, logEpoch: 'e1' });
  private readonly listeners = new Map<string, Set<(...args: any[]) => void>>();

  on(event: string, fn: (...args: any[]) => void) {
    if (!this.listeners.has(event)) this.listeners.set(event, new Set());
    this.listeners.get(event)!.add(fn);
    return this;
  }
  off(event: string, fn: (...args: any[]) => void) {
    this.listeners.get(event)?.delete(fn);
    return this;
  }
  async emitWithAck(event: string, arg: any) {
    this.emitted.push({ event, arg });
    if (event.includes(':join_')) return { ok: true };
    if (event.includes(':sync_')) return this.syncAnswer(arg);
    return { ok: true };
  }
  fire(event: string, payload?: unknown) {
    for (const fn of this.listeners.get(event) ?? []) fn(payload);
  }
  listenerCount(event: string) {
    return this.listeners.get(event)?.size ?? 0;
  }
}

const settle = () => new Promise((r) => setTimeout(r, 0));

function setup(history: Message[]) {
  const socket = new FakeSocket();
  let fetches = 0;
  let shown: readonly Message[] = [];
  const live = new LiveConversation({
    kind: 'inquiry',
    id: 7,
    socket,
    fetchMessages: async () => {
      fetches += 1;
      return history;
    },
    onChange: (m) => {
      shown = m;
    },
  });
  return { socket, live, fetches: () => fetches, shown: () => shown.map((m) => m.eventId) };
}

describe('LiveConversation', () => {
  it('loads the history, joins, and syncs from the last eventId it has', async () => {
    const t = setup([msg(3), msg(5)]);
    await t.live.start();
    expect(t.shown()).toEqual([3, 5]);
    expect(t.socket.emitted.map((e) => e.event)).toEqual([
      'support:join_inquiry_messages',
      'support:sync_inquiry_messages',
    ]);
    expect(t.socket.emitted[1]!.arg).toEqual({ supportInquiryId: 7, sinceEventId: 5 });
  });

  it('shows a delta once, however often it arrives', async () => {
    const t = setup([msg(3)]);
    await t.live.start();
    t.socket.fire('support.inquiry_message.created', { eventId: 9, logEpoch: 'e1', message: msg(9) });
    t.socket.fire('support.inquiry_message.created', { eventId: 9, logEpoch: 'e1', message: msg(9) });
    t.live.add(msg(9));
    expect(t.shown()).toEqual([3, 9]);
  });

  it('after a reconnect, replays exactly what the sync returns, deduped against deltas', async () => {
    const t = setup([msg(3)]);
    await t.live.start();
    t.socket.fire('support.inquiry_message.created', { eventId: 4, logEpoch: 'e1', message: msg(4) });
    t.socket.syncAnswer = (arg) => {
      expect(arg.sinceEventId).toBe(4);
      expect(arg.logEpoch).toBe('e1');
      return { ok: true, logEpoch: 'e1', gapDetected: false, events: [4, 5, 6, 7].map((i) => ({ eventId: i, message: msg(i) })) };
    };
    t.socket.fire('connect');
    await settle();
    await settle();
    expect(t.shown()).toEqual([3, 4, 5, 6, 7]);
    expect(t.fetches()).toBe(1);
  });

  it('refetches over REST when the sync reports a gap', async () => {
    const history = [msg(3)];
    const t = setup(history);
    await t.live.start();
    history.push(msg(40), msg(41));
    t.socket.syncAnswer = () => ({ ok: true, gapDetected: true, events: [], logEpoch: 'e1' });
    t.socket.fire('connect');
    await settle();
    await settle();
    await settle();
    expect(t.fetches()).toBe(2);
    expect(t.shown()).toEqual([3, 40, 41]);
  });

  it('refetches when a delta comes from another log (a restore)', async () => {
    const history = [msg(3)];
    const t = setup(history);
    await t.live.start();
    t.socket.fire('support.inquiry_message.created', { eventId: 4, logEpoch: 'e1', message: msg(4) });
    history.splice(0, history.length, msg(2), msg(4, 'after restore'));
    t.socket.fire('support.inquiry_message.created', { eventId: 5, logEpoch: 'e2', message: msg(5) });
    await settle();
    expect(t.fetches()).toBe(2);
    expect(t.shown()).toEqual([2, 4]);
  });

  it('does nothing on a recovered session: the server replays what was missed', async () => {
    const t = setup([msg(3)]);
    await t.live.start();
    const before = t.socket.emitted.length;
    t.socket.recovered = true;
    t.socket.fire('connect');
    await settle();
    expect(t.socket.emitted.length).toBe(before);
  });

  it('stops listening and leaves the room on stop()', async () => {
    const t = setup([msg(3)]);
    await t.live.start();
    t.live.stop();
    expect(t.socket.listenerCount('support.inquiry_message.created')).toBe(0);
    expect(t.socket.emitted.at(-1)!.event).toBe('support:leave_inquiry_messages');
    t.socket.fire('support.inquiry_message.created', { eventId: 9, message: msg(9) });
    expect(t.live.messages().map((m) => m.eventId)).toEqual([3]);
  });

  it('uses the request room names for support requests', async () => {
    const socket = new FakeSocket();
    const live = new LiveConversation({
      kind: 'request',
      id: 42,
      socket,
      fetchMessages: async () => [],
      onChange: () => undefined,
    });
    await live.start();
    expect(socket.emitted.map((e) => [e.event, e.arg])).toEqual([
      ['support:join_request_messages', { supportRequestId: 42 }],
      ['support:sync_request_messages', { supportRequestId: 42, sinceEventId: 0 }],
    ]);
  });
});
