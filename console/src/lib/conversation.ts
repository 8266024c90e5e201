// A live conversation: the REST history, then websocket deltas, deduped by eventId.
//
// Deltas are delivered at least once and REST is the source of truth (docs/realtime.md).
// On every (re)connect that the server did not recover, the room is joined and a sync
// asks for what happened after the last eventId seen; a gap (or a new logEpoch, after a
// restore) means "refetch the history over REST". The widget and the workspace share
// this module, so both show each message exactly once, whatever the network did.

export interface Attachment {
  id: string;
  fileName: string;
  contentType: string;
  size: number;
  url: string;
}

export interface Message {
  id: number;
  senderType: 'visitor' | 'customer' | 'admin' | 'system';
  senderId: number | null;
  message: string;
  createdAt: string;
  eventId: number;
  attachments: Attachment[];
}

export type ConversationKind = 'inquiry' | 'request';

// What this module needs of a socket.io-client Socket (a fake in the unit tests).
export interface SocketLike {
  readonly connected: boolean;
  readonly recovered?: boolean;
  on(event: string, listener: (...args: any[]) => void): unknown;
  off(event: string, listener: (...args: any[]) => void): unknown;
  emitWithAck(event: string, ...args: unknown[]): Promise<any>;
}

interface Delta {
  eventId: number;
  logEpoch?: string;
  message: Message;
}

interface SyncAnswer {
  ok: boolean;
  events?: Delta[];
  gapDetected?: boolean;
  logEpoch?: string;
}

// The socket event names of one kind of conversation.
export function conversationEvents(kind: ConversationKind) {
  return kind === 'inquiry'
    ? {
        delta: 'support.inquiry_message.created',
        join: 'support:join_inquiry_messages',
        leave: 'support:leave_inquiry_messages',
        sync: 'support:sync_inquiry_messages',
        idField: 'supportInquiryId',
      }
    : {
        delta: 'support.request_message.created',
        join: 'support:join_request_messages',
        leave: 'support:leave_request_messages',
        sync: 'support:sync_request_messages',
        idField: 'supportRequestId',
      };
}

export interface LiveConversationOptions {
  kind: ConversationKind;
  id: number;
  socket: SocketLike;
  // The whole history over REST, oldest first.
  fetchMessages: () => Promise<Message[]>;
  // Called after every change with the messages in log order.
  onChange: (messages: readonly Message[]) => void;
  // Called when the REST history or a sync fails (the view may show it).
  onError?: (error: unknown) => void;
}

export class LiveConversation {
  private readonly byEventId = new Map<number, Message>();
  private lastEventId = 0;
  private logEpoch: string | undefined;
  private fetched = false;
  private stopped = false;
  private readonly events;
  // One catch-up at a time; a reconnect while one runs queues another.
  private catchingUp: Promise<void> | null = null;
  private again = false;

  constructor(private readonly options: LiveConversationOptions) {
    this.events = conversationEvents(options.kind);
  }

  // Starts listening; resolves after the first catch-up (history and sync).
  start(): Promise<void> {
    this.options.socket.on(this.events.delta, this.onDelta);
    this.options.socket.on('connect', this.onConnect);
    return this.catchUp();
  }

  stop(): void {
    this.stopped = true;
    this.options.socket.off(this.events.delta, this.onDelta);
    this.options.socket.off('connect', this.onConnect);
    if (this.options.socket.connected) {
      this.options.socket
        .emitWithAck(this.events.leave, { [this.events.idField]: this.options.id })
        .catch(() => undefined);
    }
  }

  messages(): Message[] {
    return [...this.byEventId.values()].sort((a, b) => a.eventId - b.eventId);
  }

  // A message this client created over REST (the answer carries its eventId): shown at
  // once; the delta that follows is a repeat and dropped.
  add(message: Message): void {
    if (this.show(message)) this.changed();
  }

  // Throws away what is shown and loads the history again.
  async refetch(): Promise<void> {
    const history = await this.options.fetchMessages();
    this.byEventId.clear();
    this.lastEventId = 0;
    for (const m of history) this.show(m);
    this.fetched = true;
    this.changed();
  }

  private readonly onDelta = (delta: Delta) => {
    if (this.stopped || !delta || typeof delta.eventId !== 'number') return;
    if (delta.logEpoch && this.logEpoch && delta.logEpoch !== this.logEpoch) {
      // Another log (a restore): eventIds are not comparable any more.
      this.logEpoch = delta.logEpoch;
      void this.refetchQuietly();
      return;
    }
    if (delta.logEpoch) this.logEpoch = delta.logEpoch;
    if (this.show(delta.message ?? null, delta.eventId)) this.changed();
  };

  private readonly onConnect = () => {
    // A recovered session kept its rooms and the server replays what was missed.
    if (this.options.socket.recovered) return;
    void this.catchUp();
  };

  private catchUp(): Promise<void> {
    if (this.catchingUp) {
      this.again = true;
      return this.catchingUp;
    }
    this.catchingUp = (async () => {
      do {
        this.again = false;
        try {
          await this.catchUpOnce();
        } catch (e) {
          this.options.onError?.(e);
        }
      } while (this.again && !this.stopped);
      this.catchingUp = null;
    })();
    return this.catchingUp;
  }

  private async catchUpOnce(): Promise<void> {
    const { socket, id } = this.options;
    if (!this.fetched) await this.refetch();
    if (!socket.connected || this.stopped) return;
    const join = await socket.emitWithAck(this.events.join, { [this.events.idField]: id });
    if (!join?.ok) throw new Error(join?.errorCode ?? 'join refused');
    const sync: SyncAnswer = await socket.emitWithAck(this.events.sync, {
      [this.events.idField]: id,
      sinceEventId: this.lastEventId,
      ...(this.logEpoch ? { logEpoch: this.logEpoch } : {}),
    });
    if (!sync?.ok || sync.gapDetected || (sync.logEpoch && this.logEpoch && sync.logEpoch !== this.logEpoch)) {
      if (sync?.logEpoch) this.logEpoch = sync.logEpoch;
      await this.refetch();
      return;
    }
    if (sync.logEpoch) this.logEpoch = sync.logEpoch;
    let changed = false;
    for (const d of sync.events ?? []) changed = this.show(d.message, d.eventId) || changed;
    if (changed) this.changed();
  }

  private async refetchQuietly(): Promise<void> {
    try {
      await this.refetch();
    } catch (e) {
      this.options.onError?.(e);
    }
  }

  // Adds a message unless its eventId was seen; true when it was new.
  private show(message: Message | null, eventId = message?.eventId): boolean {
    if (!message || typeof eventId !== 'number' || this.byEventId.has(eventId)) return false;
    this.byEventId.set(eventId, { ...message, eventId });
    if (eventId > this.lastEventId) this.lastEventId = eventId;
    return true;
  }

  private changed(): void {
    if (!this.stopped) this.options.onChange(this.messages());
  }
}
