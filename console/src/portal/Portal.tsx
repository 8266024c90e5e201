// The customer portal: own requests and chats with live replies, a new request through
// an intake journey (or a plain form), and a rating once a request is resolved.
import type { Socket } from 'socket.io-client';
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Api, ApiError } from '../lib/api';
import { LiveConversation, type ConversationKind, type Message } from '../lib/conversation';
import { dateTimeOf } from '../lib/format';
import { JourneyRunner, serverWalk, type Journey } from '../lib/journey';
import { openSupportSocket } from '../lib/socket';
import { IMAGE_TYPES, uploadFiles } from '../lib/upload';
import type { Auth } from '../console/auth';
import { MessageLog } from '../console/MessageLog';

type Route = { view: 'home' } | { view: 'new' } | { view: 'item'; kind: ConversationKind; id: number };

function parseHash(): Route {
  const m = /^#\/(requests|inquiries)\/(\d+)$/.exec(location.hash);
  if (m) return { view: 'item', kind: m[1] === 'requests' ? 'request' : 'inquiry', id: Number(m[2]) };
  if (location.hash === '#/new') return { view: 'new' };
  return { view: 'home' };
}

export function go(route: string) {
  location.hash = route;
}

const CATEGORIES = ['general', 'technical', 'billing', 'account', 'feature'];

export function Portal({ auth, api, onLogout }: { auth: Auth; api: Api; onLogout: () => void }) {
  const [route, setRoute] = useState<Route>(parseHash);
  const socket = useMemo<Socket>(() => openSupportSocket('', auth.token), [auth.token]);
  const [tick, setTick] = useState(0); // bumped when the server says something changed

  useEffect(() => {
    const onHash = () => setRoute(parseHash());
    window.addEventListener('hashchange', onHash);
    const changed = () => setTick((t) => t + 1);
    socket.on('ticket-updated', changed);
    socket.on('connect', changed);
    return () => {
      window.removeEventListener('hashchange', onHash);
      socket.off('ticket-updated', changed);
      socket.off('connect', changed);
      socket.close();
    };
  }, [socket]);

  return (
    <div class="portal">
      <header class="topbar">
        <h1>
          <a href="#/">Support</a>
        </h1>
        <a class="button primary" href="#/new">
          New request
        </a>
        <span class="me">{auth.account.name}</span>
        <button type="button" onClick={onLogout}>
          Sign out
        </button>
      </header>
      <main class="page">
        {route.view === 'home' && <Home api={api} tick={tick} />}
        {route.view === 'new' && <NewRequest api={api} />}
        {route.view === 'item' && <ItemView key={`${route.kind}:${route.id}`} api={api} socket={socket} kind={route.kind} id={route.id} tick={tick} />}
      </main>
    </div>
  );
}

function Home({ api, tick }: { api: Api; tick: number }) {
  const [requests, setRequests] = useState<any[] | null>(null);
  const [inquiries, setInquiries] = useState<any[] | null>(null);
  useEffect(() => {
    api.get<any[]>('/api/mobile/support-requests?pageSize=100').then(setRequests).catch(() => setRequests([]));
    api.get<any[]>('/api/support-inquiries?pageSize=100').then(setInquiries).catch(() => setInquiries([]));
  }, [tick]);
  return (
    <>
      <section aria-labelledby="requests-title">
        <h2 id="requests-title">My requests</h2>
        {requests?.length === 0 && <p class="muted">No requests yet.</p>}
        <ul class="cards" data-testid="requests">
          {requests?.map((r) => (
            <li>
              <a href={`#/requests/${r.id}`}>
                <span class="label">{r.ticketNumber}</span> <strong>{r.subject}</strong>
                <span class="meta">
                  <span class={`pill ${r.status}`}>{r.status.replace('_', ' ')}</span> updated {dateTimeOf(r.updatedAt)}
                </span>
              </a>
            </li>
          ))}
        </ul>
      </section>
      <section aria-labelledby="chats-title">
        <h2 id="chats-title">My chats</h2>
        {inquiries?.length === 0 && <p class="muted">No chats yet.</p>}
        <ul class="cards">
          {inquiries?.map((i) => (
            <li>
              <a href={`#/inquiries/${i.id}`}>
                <span class="label">{i.trackingCode}</span> <strong>{i.subject}</strong>
                <span class="meta">
                  <span class={`pill ${i.status}`}>{i.status}</span> updated {dateTimeOf(i.updatedAt)}
                </span>
              </a>
            </li>
          ))}
        </ul>
      </section>
    </>
  );
}

function NewRequest({ api }: { api: Api }) {
  const [journeys, setJourneys] = useState<Journey[] | null>(null);
  const [journey, setJourney] = useState<Journey | null>(null);
  const [plain, setPlain] = useState(false);
  useEffect(() => {
    api.get<Journey[]>('/api/journeys').then(setJourneys).catch(() => setJourneys([]));
  }, []);
  const pick = async (id: number) => setJourney(await api.get<Journey>(`/api/journeys/${id}`));
  const walker = useMemo(() => (journey ? serverWalk(api, journey) : null), [journey]);

  if (journey && walker) {
    return (
      <JourneyRunner
        api={api}
        journey={journey}
        evaluate={walker.evaluate}
        submit={walker.submit}
        onSubmitted={(s) => go(s.kind === 'support_request' ? `#/requests/${s.id}` : `#/inquiries/${s.id}`)}
      />
    );
  }
  if (plain || journeys?.length === 0) return <PlainRequest api={api} />;
  return (
    <section aria-labelledby="new-title">
      <h2 id="new-title">What do you need help with?</h2>
      <ul class="cards">
        {journeys?.map((j) => (
          <li>
            <button type="button" class="card" onClick={() => void pick(j.id)}>
              <strong>{j.name}</strong>
              {j.description && <span class="muted">{j.description}</span>}
            </button>
          </li>
        ))}
        <li>
          <button type="button" class="card" onClick={() => setPlain(true)}>
            <strong>Something else</strong>
            <span class="muted">Describe it in your own words.</span>
          </button>
        </li>
      </ul>
    </section>
  );
}

function PlainRequest({ api }: { api: Api }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    setBusy(true);
    setError(null);
    try {
      // The files first: a refused image stops the form before any request exists.
      const files = (form.getAll('files') as File[]).filter((f) => f.size > 0);
      const ids = files.length > 0 ? await uploadFiles(api, files) : [];
      const created = await api.post<{ id: number }>('/api/mobile/support-requests', {
        subject: String(form.get('subject')),
        category: String(form.get('category')),
        message: String(form.get('message')),
      });
      // They go with a second message: the request's first message is its description.
      if (ids.length > 0) {
        await api.post(`/api/mobile/support-requests/${created.id}/messages`, { message: files.map((f) => f.name).join(', '), attachmentIds: ids });
      }
      go(`#/requests/${created.id}`);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Not sent');
      setBusy(false);
    }
  };
  return (
    <form class="stack" onSubmit={submit} aria-labelledby="plain-title">
      <h2 id="plain-title">New request</h2>
      <label>
        Subject
        <input name="subject" required maxLength={200} />
      </label>
      <label>
        Category
        <select name="category">
          {CATEGORIES.map((c) => (
            <option value={c}>{c}</option>
          ))}
        </select>
      </label>
      <label>
        Description
        <textarea name="message" required rows={6} maxLength={5000} />
      </label>
      <label>
        Images <span class="muted">(optional)</span>
        <input name="files" type="file" multiple accept={IMAGE_TYPES} />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        Send
      </button>
    </form>
  );
}

function ItemView({ api, socket, kind, id, tick }: { api: Api; socket: Socket; kind: ConversationKind; id: number; tick: number }) {
  const path = kind === 'request' ? `/api/mobile/support-requests/${id}` : `/api/support-inquiries/${id}`;
  const [detail, setDetail] = useState<any>(null);
  const [messages, setMessages] = useState<readonly Message[]>([]);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);
  const liveRef = useRef<LiveConversation | null>(null);

  useEffect(() => {
    api.get<any>(path).then(setDetail).catch((e) => setError(e instanceof ApiError ? e.message : 'Not found'));
  }, [path, tick]);

  useEffect(() => {
    const live = new LiveConversation({
      kind,
      id,
      socket,
      fetchMessages: async () => (kind === 'request' ? (await api.get<any>(path)).messages : api.get<Message[]>(`${path}/messages`)),
      onChange: setMessages,
    });
    liveRef.current = live;
    void live.start();
    return () => live.stop();
  }, [kind, id, socket]);

  const send = async (e: Event) => {
    e.preventDefault();
    if (!text.trim()) return;
    try {
      liveRef.current?.add(await api.post<Message>(`${path}/messages`, { message: text.trim() }));
      setText('');
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Not sent');
    }
  };

  const ended = detail && ['closed', 'spam', 'linked'].includes(detail.status);
  return (
    <section class="thread" aria-label="Conversation">
      <p>
        <a href="#/">← All my requests</a>
      </p>
      {detail && (
        <header>
          <h2>
            <span class="label">{detail.ticketNumber ?? detail.trackingCode}</span> {detail.subject}
          </h2>
          <p class="meta">
            <span class={`pill ${detail.status}`}>{detail.status.replace('_', ' ')}</span> opened {dateTimeOf(detail.createdAt)}
          </p>
        </header>
      )}
      <MessageLog
        api={api}
        messages={messages}
        whoOf={(m) => (m.senderType === 'admin' ? 'Support' : m.senderType === 'system' ? '' : 'You')}
        mine={(m) => m.senderType === 'customer' || m.senderType === 'visitor'}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {kind === 'request' && detail?.status === 'resolved' && !detail.satisfaction && <Rating api={api} id={id} onRated={setDetail} />}
      {detail?.satisfaction && (
        <p class="muted">
          You rated this {detail.satisfaction.rating} of 5{detail.satisfaction.comment ? `: “${detail.satisfaction.comment}”` : ''}.
        </p>
      )}
      {!ended && (
        <form class="composer" onSubmit={send}>
          <textarea aria-label="Your message" rows={3} maxLength={5000} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
          <button type="submit" class="primary">
            Send
          </button>
        </form>
      )}
    </section>
  );
}

function Rating({ api, id, onRated }: { api: Api; id: number; onRated: (d: any) => void }) {
  const [rating, setRating] = useState(0);
  const [comment, setComment] = useState('');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: Event) => {
    e.preventDefault();
    try {
      onRated(await api.post(`/api/mobile/support-requests/${id}/satisfaction`, { rating, comment: comment.trim() || null }));
    } catch (err) {
      setError(err instanceof ApiError ? err.message : 'Not saved');
    }
  };
  return (
    <form class="stack rating" onSubmit={submit}>
      <fieldset>
        <legend>How did we do?</legend>
        {[1, 2, 3, 4, 5].map((n) => (
          <label class="check">
            <input type="radio" name="rating" value={n} checked={rating === n} onChange={() => setRating(n)} />
            {n}
          </label>
        ))}
      </fieldset>
      <label>
        Comment <span class="muted">(optional)</span>
        <textarea rows={2} maxLength={2000} value={comment} onInput={(e) => setComment((e.currentTarget as HTMLTextAreaElement).value)} />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={rating === 0}>
        Rate
      </button>
    </form>
  );
}
