// The guest chat: start an inquiry, talk to the team live, verify an e-mail address,
// attach images, and pick up where the guest left off after a reload.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import { Api, ApiError } from '../lib/api';
import { LiveConversation, type Message } from '../lib/conversation';
import { bytes, timeOf } from '../lib/format';
import { openSupportSocket } from '../lib/socket';
import { IMAGE_TYPES, uploadFiles } from '../lib/upload';

export interface WidgetConfig {
  baseUrl: string;
  title: string;
  greeting: string;
}

interface Session {
  id: number;
  token: string;
  trackingCode: string;
  subject: string;
}

interface Inquiry {
  id: number;
  trackingCode: string;
  status: string;
  guestEmail: string | null;
  emailVerified: boolean;
}

const ENDED = new Set(['closed', 'spam', 'linked']);

function storageKey(baseUrl: string) {
  return `docket.widget:${baseUrl || location.origin}`;
}

function loadSession(baseUrl: string): Session | null {
  try {
    const raw = sessionStorage.getItem(storageKey(baseUrl));
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function saveSession(baseUrl: string, session: Session | null) {
  try {
    if (session) sessionStorage.setItem(storageKey(baseUrl), JSON.stringify(session));
    else sessionStorage.removeItem(storageKey(baseUrl));
  } catch {
    // Storage disabled: the chat still works until the page is left.
  }
}

function describe(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return 'Something went wrong. Please try again.';
}

export function Widget({ config }: { config: WidgetConfig }) {
  const [open, setOpen] = useState(false);
  const [session, setSession] = useState<Session | null>(() => loadSession(config.baseUrl));
  const tokenRef = useRef<string | null>(session?.token ?? null);
  tokenRef.current = session?.token ?? null;
  const api = useMemo(() => new Api({ baseUrl: config.baseUrl, token: () => tokenRef.current }), [config.baseUrl]);

  const started = (s: Session) => {
    saveSession(config.baseUrl, s);
    setSession(s);
  };
  const forget = () => {
    saveSession(config.baseUrl, null);
    setSession(null);
  };

  return (
    <div class="docket">
      {open && (
        <section class="panel" role="dialog" aria-label={config.title}>
          <header class="bar">
            <h2>{config.title}</h2>
            <button type="button" class="icon" aria-label="Close the chat" onClick={() => setOpen(false)}>
              ×
            </button>
          </header>
          {session ? (
            <Chat api={api} session={session} baseUrl={config.baseUrl} onForget={forget} />
          ) : (
            <StartForm api={api} greeting={config.greeting} onStarted={started} />
          )}
        </section>
      )}
      <button
        type="button"
        class="bubble"
        aria-expanded={open}
        aria-label={open ? 'Hide the support chat' : 'Open the support chat'}
        onClick={() => setOpen(!open)}
      >
        <svg viewBox="0 0 24 24" width="26" height="26" aria-hidden="true">
          <path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z" />
        </svg>
      </button>
    </div>
  );
}

function StartForm({ api, greeting, onStarted }: { api: Api; greeting: string; onStarted: (s: Session) => void }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    const text = (name: string) => {
      const v = String(form.get(name) ?? '').trim();
      return v === '' ? null : v;
    };
    setBusy(true);
    setError(null);
    try {
      const created = await api.post<Inquiry & { subject: string; inquiryAccessToken: string }>('/api/support-inquiries', {
        subject: text('subject'),
        message: text('message'),
        guestName: text('name'),
        guestEmail: text('email'),
      });
      onStarted({ id: created.id, token: created.inquiryAccessToken, trackingCode: created.trackingCode, subject: created.subject });
    } catch (err) {
      setError(describe(err));
      setBusy(false);
    }
  };

  return (
    <form class="start" onSubmit={submit}>
      <p class="greeting">{greeting}</p>
      <label>
        Subject
        <input name="subject" required maxLength={200} autoComplete="off" />
      </label>
      <label>
        Your name <span class="hint">(optional)</span>
        <input name="name" maxLength={100} autoComplete="name" />
      </label>
      <label>
        E-mail <span class="hint">(optional)</span>
        <input name="email" type="email" maxLength={254} autoComplete="email" />
      </label>
      <label>
        How can we help?
        <textarea name="message" rows={3} maxLength={5000} />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Starting…' : 'Start chat'}
      </button>
    </form>
  );
}

type Connection = 'connecting' | 'online' | 'offline';

function Chat({ api, session, baseUrl, onForget }: { api: Api; session: Session; baseUrl: string; onForget: () => void }) {
  const [messages, setMessages] = useState<readonly Message[]>([]);
  const [inquiry, setInquiry] = useState<Inquiry | null>(null);
  const [connection, setConnection] = useState<Connection>('connecting');
  const [error, setError] = useState<string | null>(null);
  const [showVerify, setShowVerify] = useState(false);
  const liveRef = useRef<LiveConversation | null>(null);
  const logRef = useRef<HTMLDivElement>(null);

  const refreshInquiry = async () => {
    try {
      setInquiry(await api.get<Inquiry>(`/api/support-inquiries/${session.id}`));
    } catch (e) {
      // A token that no longer opens the chat (revoked, expired): the chat has ended.
      if (e instanceof ApiError && e.status === 403) setInquiry((i) => ({ ...(i ?? { id: session.id, trackingCode: session.trackingCode, guestEmail: null, emailVerified: false }), status: 'closed' }));
      if (e instanceof ApiError && e.status === 404) onForget();
    }
  };

  useEffect(() => {
    const socket: Socket = openSupportSocket(baseUrl, session.token);
    const live = new LiveConversation({
      kind: 'inquiry',
      id: session.id,
      socket,
      fetchMessages: () => api.get<Message[]>(`/api/support-inquiries/${session.id}/messages`),
      onChange: (m) => {
        setMessages(m);
        void refreshInquiry();
      },
      onError: () => setError('Some messages could not be loaded; retrying on the next connection.'),
    });
    liveRef.current = live;
    socket.on('connect', () => {
      setConnection('online');
      // A status change while offline is not replayed, not even by a recovery: read the
      // inquiry again.
      void refreshInquiry();
    });
    // The inquiry's status changes (docs/realtime.md "The queue feed": the guest's room).
    socket.on('ticket-updated', (update: { item?: { type: string; id: number }; change?: string; to?: string }) => {
      if (update.item?.type !== 'support_inquiry' || update.item.id !== session.id || update.change !== 'status') return;
      setInquiry((i) => (i ? { ...i, status: update.to ?? i.status } : i));
      void refreshInquiry();
    });
    socket.on('disconnect', (reason) => {
      setConnection('offline');
      // The server ended the session (a revoked token): the chat is over.
      if (reason === 'io server disconnect') void refreshInquiry();
    });
    socket.on('connect_error', () => setConnection('offline'));
    void refreshInquiry();
    void live.start();
    return () => {
      live.stop();
      socket.close();
    };
  }, [session.id, session.token, baseUrl]);

  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [messages.length]);

  const ended = inquiry !== null && ENDED.has(inquiry.status);

  return (
    <div class="chat">
      <p class="tracking">
        Reference <strong data-testid="tracking-code">{session.trackingCode}</strong>
        <span class={`dot ${connection}`} role="status" aria-label={connection === 'online' ? 'Connected' : 'Reconnecting'} />
      </p>
      <div class="log" role="log" aria-live="polite" aria-label="Conversation" ref={logRef} tabIndex={0}>
        <ol class="msgs">
        {messages.map((m) => (
          <li key={m.eventId} class={`msg ${m.senderType}`} data-event-id={m.eventId}>
            <span class="who">{m.senderType === 'admin' ? 'Support' : m.senderType === 'system' ? '' : 'You'}</span>
            <span class="text">{m.message}</span>
            {m.attachments.map((a) => (
              <AttachmentView key={a.id} api={api} attachment={a} />
            ))}
            <time dateTime={m.createdAt}>{timeOf(m.createdAt)}</time>
          </li>
        ))}
      </ol>
      </div>
      {error && <p class="error">{error}</p>}
      {ended ? (
        <div class="ended" role="status">
          <p>This conversation is {inquiry!.status === 'linked' ? 'now a support request' : 'closed'}.</p>
          <button type="button" class="primary" onClick={onForget}>
            Start a new chat
          </button>
        </div>
      ) : (
        <>
          {inquiry && !inquiry.emailVerified && (
            <button type="button" class="link" aria-expanded={showVerify} onClick={() => setShowVerify(!showVerify)}>
              {inquiry.guestEmail ? 'Verify your e-mail' : 'Leave your e-mail'}
            </button>
          )}
          {showVerify && inquiry && (
            <VerifyEmail api={api} inquiry={inquiry} onDone={(i) => { setInquiry(i); setShowVerify(false); }} />
          )}
          {inquiry?.emailVerified && <p class="verified">E-mail verified: {inquiry.guestEmail}</p>}
          <Composer api={api} inquiryId={session.id} onSent={(m) => liveRef.current?.add(m)} onClosed={refreshInquiry} />
        </>
      )}
    </div>
  );
}

function AttachmentView({ api, attachment }: { api: Api; attachment: Message['attachments'][number] }) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    if (!attachment.contentType.startsWith('image/')) return;
    let url: string | null = null;
    api
      .raw(attachment.url)
      .then((r) => r.blob())
      .then((b) => {
        url = URL.createObjectURL(b);
        setSrc(url);
      })
      .catch(() => undefined);
    return () => {
      if (url) URL.revokeObjectURL(url);
    };
  }, [attachment.id]);
  return (
    <span class="attachment">
      {src ? (
        <img src={src} alt={attachment.fileName} />
      ) : (
        <span>
          <PaperClip /> {attachment.fileName}
        </span>
      )}
      <span class="hint">{bytes(attachment.size)}</span>
    </span>
  );
}

function PaperClip() {
  return (
    <svg viewBox="0 0 24 24" width="20" height="20" aria-hidden="true">
      <path
        fill="none"
        stroke="currentColor"
        stroke-width="2"
        stroke-linecap="round"
        d="M21 11.5l-8.6 8.6a5.5 5.5 0 0 1-7.8-7.8l8.6-8.6a3.7 3.7 0 0 1 5.2 5.2l-8.6 8.6a1.8 1.8 0 0 1-2.6-2.6l7.9-7.9"
      />
    </svg>
  );
}

function Composer({
  api,
  inquiryId,
  onSent,
  onClosed,
}: {
  api: Api;
  inquiryId: number;
  onSent: (m: Message) => void;
  onClosed: () => void;
}) {
  const [text, setText] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const fileRef = useRef<HTMLInputElement>(null);

  const send = async (e: Event) => {
    e.preventDefault();
    const message = text.trim();
    if (!message && files.length === 0) return;
    setBusy(true);
    setError(null);
    try {
      const attachmentIds = await uploadFiles(api, files);
      const sent = await api.post<Message>(`/api/support-inquiries/${inquiryId}/messages`, {
        message: message || files.map((f) => f.name).join(', '),
        ...(attachmentIds.length ? { attachmentIds } : {}),
      });
      onSent(sent);
      setText('');
      setFiles([]);
      if (fileRef.current) fileRef.current.value = '';
    } catch (err) {
      setError(describe(err));
      if (err instanceof ApiError && err.errorCode === 'SUPPORT_INQUIRY_CLOSED') onClosed();
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="composer" onSubmit={send}>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {files.length > 0 && <p class="hint">{files.map((f) => f.name).join(', ')}</p>}
      <div class="row">
        <label class="attach" title="Attach an image">
          <span class="sr-only">Attach an image</span>
          <input
            ref={fileRef}
            type="file"
            accept={IMAGE_TYPES}
            multiple
            onChange={(e) => setFiles(Array.from((e.currentTarget as HTMLInputElement).files ?? []))}
          />
          <PaperClip />
        </label>
        <textarea
          aria-label="Your message"
          rows={2}
          maxLength={5000}
          value={text}
          placeholder="Write a message…"
          onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              (e.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
            }
          }}
        />
        <button type="submit" class="primary" disabled={busy}>
          Send
        </button>
      </div>
    </form>
  );
}

function VerifyEmail({ api, inquiry, onDone }: { api: Api; inquiry: Inquiry; onDone: (i: Inquiry) => void }) {
  const [email, setEmail] = useState(inquiry.guestEmail ?? '');
  const [sent, setSent] = useState(false);
  const [code, setCode] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const request = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await api.post(`/api/support-inquiries/${inquiry.id}/verify-email/request`, { email });
      setSent(true);
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };
  const confirm = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await api.post<Inquiry>(`/api/support-inquiries/${inquiry.id}/verify-email/confirm`, { code }));
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  };

  return sent ? (
    <form class="verify" onSubmit={confirm}>
      <label>
        The code we sent to {email}
        <input value={code} inputMode="numeric" autoComplete="one-time-code" pattern="[0-9]{6}" required onInput={(e) => setCode((e.currentTarget as HTMLInputElement).value)} />
      </label>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit" class="primary" disabled={busy}>
        Verify
      </button>
    </form>
  ) : (
    <form class="verify" onSubmit={request}>
      <label>
        E-mail
        <input type="email" value={email} required onInput={(e) => setEmail((e.currentTarget as HTMLInputElement).value)} />
      </label>
      {error && <p class="error" role="alert">{error}</p>}
      <button type="submit" class="primary" disabled={busy}>
        Send me a code
      </button>
    </form>
  );
}
