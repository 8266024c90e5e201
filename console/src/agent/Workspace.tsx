// The agent workspace: own status, the inbox (inquiries and requests, live), and the
// conversation with full history, reply, status, priority and assignment.
//
// Keyboard: j / k move through the inbox, Enter or o opens, r goes to the reply box,
// e resolves, / searches. The shortcuts are off while typing in a field.
import type { Socket } from 'socket.io-client';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { Api, ApiError } from '../lib/api';
import { LiveConversation, type Message } from '../lib/conversation';
import { dateTimeOf } from '../lib/format';
import { openSupportSocket } from '../lib/socket';
import { IMAGE_TYPES, uploadFiles } from '../lib/upload';
import { useVirtualList } from '../lib/virtual';
import type { Auth } from '../console/auth';
import { MessageLog } from '../console/MessageLog';
import { BusinessHours, fetchHours } from './businessHours';
import { BusinessHoursContext, SlaTimer, type Sla } from './SlaTimer';

export type ItemType = 'inquiry' | 'request';

export interface InboxItem {
  type: ItemType;
  id: number;
  label: string; // INQ-… or SR-…
  subject: string;
  status: string;
  priority: string;
  assignedAdminId: number | null;
  updatedAt: string;
  sla: Sla | null;
  who: string;
}

const INQUIRY_STATUSES = ['active', 'waiting', 'resolved', 'closed', 'spam'];
const REQUEST_STATUSES = ['open', 'in_progress', 'resolved', 'closed'];
const AGENT_STATUSES = ['available', 'busy', 'away', 'offline'];
const OPEN_INQUIRY = 'open,active,waiting';
const OPEN_REQUEST = 'open,in_progress';
const MAX_ITEMS = 10_000;
const ROW_HEIGHT = 72;

function base(type: ItemType) {
  return type === 'inquiry' ? '/api/admin/support-inquiries' : '/api/admin/support-requests';
}

function toItem(type: ItemType, raw: any): InboxItem {
  return {
    type,
    id: raw.id,
    label: type === 'inquiry' ? raw.trackingCode : raw.ticketNumber ?? `#${raw.id}`,
    subject: raw.subject,
    status: raw.status,
    priority: raw.priority ?? 'medium',
    assignedAdminId: raw.assignedAdminId ?? null,
    updatedAt: raw.updatedAt,
    sla: raw.sla ?? null,
    who: type === 'inquiry' ? raw.guestName ?? raw.guestEmail ?? 'Guest' : raw.customerName ?? raw.customer?.name ?? `Customer ${raw.customerId}`,
  };
}

type View = 'queue' | 'mine' | 'open' | 'all';

// A queue entry (GET /api/admin/queue) as an inbox row.
function fromQueue(raw: any): InboxItem {
  return {
    type: raw.type === 'support_inquiry' ? 'inquiry' : 'request',
    id: raw.id,
    label: raw.reference,
    subject: raw.subject,
    status: raw.status,
    priority: raw.priority,
    assignedAdminId: null,
    updatedAt: raw.createdAt,
    sla: null,
    who: raw.category ?? '',
  };
}

function rowOf(type: ItemType | 'queue', raw: any): InboxItem {
  return type === 'queue' ? fromQueue(raw) : toItem(type, raw);
}

export function Workspace({ auth, api, onLogout }: { auth: Auth; api: Api; onLogout: () => void }) {
  const [view, setView] = useState<View>('open');
  const [search, setSearch] = useState('');
  const [items, setItems] = useState<InboxItem[]>([]);
  const [cursor, setCursor] = useState(0);
  const [openKey, setOpenKey] = useState<string | null>(null);
  const [agentStatus, setAgentStatus] = useState<string>('offline');
  const [live, setLive] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const socket = useMemo<Socket>(() => openSupportSocket('', auth.token), [auth.token]);
  const searchRef = useRef<HTMLInputElement>(null);
  const loadGeneration = useRef(0);
  const list = useVirtualList(items.length, ROW_HEIGHT);
  const replyRef = useRef<HTMLTextAreaElement>(null);
  // The SLA timers' business hours, fetched once per calendar for the whole page.
  const businessHours = useMemo(() => new BusinessHours(fetchHours(<T,>(path: string) => api.get<T>(path))), [api]);

  // One list query per kind and status (the API filters on one status at a time).
  const queries = useCallback((): Array<[ItemType | 'queue', string]> => {
    // The queue: what waits for an agent, oldest first within priority.
    if (view === 'queue') return [['queue', '/api/admin/queue?pageSize=100']];
    const out: Array<[ItemType | 'queue', string]> = [];
    for (const type of ['inquiry', 'request'] as ItemType[]) {
      const statuses = view === 'all' ? [null] : (type === 'inquiry' ? OPEN_INQUIRY : OPEN_REQUEST).split(',');
      for (const status of statuses) {
        const q = new URLSearchParams({ pageSize: '100', sortBy: 'updatedAt', sortOrder: 'desc' });
        if (status) q.set('status', status);
        if (view === 'mine') q.set('assignedAdminId', String(auth.account.id));
        if (search.trim()) q.set('search', search.trim());
        out.push([type, `${base(type)}?${q}`]);
      }
    }
    return out;
  }, [view, search, auth.account.id]);

  const load = useCallback(async () => {
    // The first page of each query at once, then the rest page by page (up to
    // MAX_ITEMS): the inbox shows the newest while the older ones arrive.
    const lists = queries();
    const loaded: InboxItem[][] = lists.map(() => []);
    const publish = () => {
      const merged = loaded.flat();
      if (view !== 'queue') merged.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      setItems(merged);
    };
    const generation = ++loadGeneration.current;
    const total = () => loaded.reduce((n, l) => n + l.length, 0);
    await Promise.all(
      lists.map(async ([type, path], k) => {
        for (let page = 1; total() < MAX_ITEMS; page++) {
          const { data, pagination } = await api.page<any>(`${path}&page=${page}`).catch(() => ({ data: [] as any[], pagination: { pages: 0 } as any }));
          if (generation !== loadGeneration.current) return;
          loaded[k]!.push(...data.map((r) => rowOf(type, r)));
          publish();
          if (page >= pagination.pages) break;
        }
      }),
    );
  }, [api, queries, view]);

  // The newest page of each kind, merged into the list: what changed since comes first
  // in updatedAt order. Items that left the view's statuses drop out.
  const refreshHead = useCallback(async () => {
    const pages = await Promise.all(queries().map(([type, path]) => api.get<any[]>(path).then((rows) => rows.map((r) => rowOf(type, r))).catch(() => [])));
    const fresh = pages.flat();
    const stillIn = (i: InboxItem) =>
      view === 'all' ||
      (view === 'queue' && i.assignedAdminId === null && fresh.some((f) => f.type === i.type && f.id === i.id)) || ((i.type === 'inquiry' ? OPEN_INQUIRY : OPEN_REQUEST).split(',').includes(i.status) && (view !== 'mine' || i.assignedAdminId === auth.account.id));
    setItems((old) => {
      const byKey = new Map(old.map((i) => [`${i.type}:${i.id}`, i]));
      for (const i of fresh) byKey.set(`${i.type}:${i.id}`, i);
      if (view === 'queue') return fresh; // the queue's own order, as it is now
      const merged = [...byKey.values()].filter(stillIn);
      merged.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      return merged;
    });
  }, [api, queries, view, auth.account.id]);

  // Load the inbox now; follow the queue feed's events with the newest page.
  // A search loads the lists again: wait until typing pauses.
  useEffect(() => {
    const t = setTimeout(() => void load(), search ? 250 : 0);
    return () => clearTimeout(t);
  }, [load]);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void refreshHead(), 100);
    };
    const events = ['new-ticket', 'ticket-assigned', 'ticket-updated', 'sla-breach', 'support.inquiry.created'];
    events.forEach((e) => socket.on(e, soon));
    socket.on('connect', soon);
    return () => {
      clearTimeout(timer);
      events.forEach((e) => socket.off(e, soon));
      socket.off('connect', soon);
    };
  }, [socket, refreshHead]);

  useEffect(() => {
    const online = () => setLive(true);
    const offline = () => setLive(false);
    const assigned = (e: any) => setNotice(`Assigned to you: ${e?.item?.type === 'support_inquiry' ? 'inquiry' : 'request'} ${e?.item?.id}`);
    const status = (e: any) => e?.status && setAgentStatus(e.status);
    socket.on('connect', online);
    socket.on('disconnect', offline);
    socket.on('ticket-assigned', assigned);
    socket.on('agent-status-changed', status);
    api.get<{ status: string }>('/api/agents/me').then((me) => setAgentStatus(me.status)).catch(() => undefined);
    return () => {
      socket.off('connect', online);
      socket.off('disconnect', offline);
      socket.off('ticket-assigned', assigned);
      socket.off('agent-status-changed', status);
      socket.close();
    };
  }, [socket, api]);

  // The next item this agent may take from the queue, opened at once.
  const takeNext = async () => {
    try {
      const taken = await api.post<{ item: any }>('/api/admin/queue/take', {});
      const row = fromQueue(taken.item);
      setItems((old) => [row, ...old.filter((i) => !(i.type === row.type && i.id === row.id))]);
      setCursor(0);
      setOpenKey(`${row.type}:${row.id}`);
      setNotice(`${row.label} is yours`);
    } catch (e) {
      setNotice(e instanceof ApiError ? e.message : 'Nothing taken');
    }
  };

  const changeStatus = async (status: string) => {
    try {
      const me = await api.patch<{ status: string }>('/api/agents/me/status', { status });
      setAgentStatus(me.status);
    } catch (e) {
      setNotice(e instanceof ApiError ? e.message : 'Status not changed');
    }
  };

  const selected = items[Math.min(cursor, items.length - 1)];
  const opened = items.find((i) => `${i.type}:${i.id}` === openKey) ?? null;

  // The inbox's keyboard shortcuts. The handler is registered once and reads the state
  // of the last render, so a key pressed right after another sees its effect.
  const keyState = useRef({ items, selected, opened });
  keyState.current = { items, selected, opened };
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement;
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      if (target.closest('input, textarea, select, [contenteditable]')) {
        if (e.key === 'Escape') target.blur();
        return;
      }
      const { items, selected, opened } = keyState.current;
      if (e.key === 'j' || e.key === 'k') {
        e.preventDefault();
        setCursor((c) => Math.max(0, Math.min(items.length - 1, c + (e.key === 'j' ? 1 : -1))));
      } else if ((e.key === 'Enter' || e.key === 'o') && selected) {
        e.preventDefault();
        setOpenKey(`${selected.type}:${selected.id}`);
      } else if (e.key === 'r' && opened) {
        e.preventDefault();
        replyRef.current?.focus();
      } else if (e.key === 'e' && opened) {
        e.preventDefault();
        void api
          .patch(`${base(opened.type)}/${opened.id}/status`, { status: 'resolved' })
          .then(() => setNotice(`${opened.label} resolved`))
          .catch((err) => setNotice(err instanceof ApiError ? err.message : 'Not resolved'));
      } else if (e.key === '/') {
        e.preventDefault();
        searchRef.current?.focus();
      }
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [api]);

  // Keep the cursor's row in view.
  useEffect(() => {
    if (items.length > 0) list.virtualizer.scrollToIndex(Math.min(cursor, items.length - 1), { align: 'auto' });
  }, [cursor]);

  return (
    <BusinessHoursContext.Provider value={businessHours}>
      <div class="workspace">
        <header class="topbar">
          <h1>Docket · Inbox</h1>
          <span class={`live ${live ? 'on' : 'off'}`} role="status">
            {live ? 'Live' : 'Reconnecting…'}
          </span>
          <label class="inline">
            My status
            <select value={agentStatus} onChange={(e) => void changeStatus((e.currentTarget as HTMLSelectElement).value)}>
              {AGENT_STATUSES.map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          </label>
          <button type="button" onClick={() => void takeNext()}>
            Take next
          </button>
          <span class="me">{auth.account.name}</span>
          <button type="button" onClick={onLogout}>
            Sign out
          </button>
        </header>
        {notice && (
          <p class="notice" role="status">
            {notice}{' '}
            <button type="button" class="link" onClick={() => setNotice(null)}>
              Dismiss
            </button>
          </p>
        )}
        <div class="panes">
          <nav class="inbox" aria-label="Inbox">
            <div class="filters" role="tablist" aria-label="Which items">
              {(['queue', 'open', 'mine', 'all'] as View[]).map((v) => (
                <button type="button" role="tab" aria-selected={view === v} class={view === v ? 'tab on' : 'tab'} onClick={() => setView(v)}>
                  {v === 'queue' ? 'Queue' : v === 'open' ? 'Open' : v === 'mine' ? 'Mine' : 'All'}
                </button>
              ))}
            </div>
            <input
              ref={searchRef}
              type="search"
              placeholder="Search (/)"
              aria-label="Search the inbox"
              value={search}
              onInput={(e) => setSearch((e.currentTarget as HTMLInputElement).value)}
            />
            <div class="items" ref={(el) => {
                list.scrollRef.current = el;
              }}>
              {items.length === 0 && <p class="empty">Nothing here.</p>}
              <ul aria-label={`Items (${items.length})`} data-testid="inbox" style={{ height: `${list.totalSize}px` }}>
                {list.items.map((v) => {
                  const item = items[v.index]!;
                  const key = `${item.type}:${item.id}`;
                  return (
                    <li key={key} style={{ transform: `translateY(${v.start}px)`, height: `${ROW_HEIGHT}px` }}>
                      <button
                        type="button"
                        data-row={v.index}
                        data-item={key}
                        class={`inbox-row ${v.index === cursor ? 'cursor' : ''} ${openKey === key ? 'open' : ''}`}
                        aria-current={openKey === key ? 'true' : undefined}
                        onClick={() => {
                          setCursor(v.index);
                          setOpenKey(key);
                        }}
                      >
                        <span class="label">{item.label}</span>
                        <span class="subject">{item.subject}</span>
                        <span class="meta">
                          <span class={`pill ${item.status}`}>{item.status}</span>
                          <span class={`pill prio-${item.priority}`}>{item.priority}</span>
                          {item.sla && <SlaTimer sla={item.sla} compact />}
                          <span class="who">{item.who}</span>
                        </span>
                      </button>
                    </li>
                  );
                })}
              </ul>
            </div>
          </nav>
          <section class="conversation" aria-label="Conversation">
            {opened ? (
              <Conversation key={openKey} item={opened} api={api} socket={socket} auth={auth} replyRef={replyRef} onChanged={refreshHead} />
            ) : (
              <p class="empty">Pick an item (j / k, then Enter).</p>
            )}
          </section>
        </div>
      </div>
    </BusinessHoursContext.Provider>
  );
}

function Conversation({
  item,
  api,
  socket,
  auth,
  replyRef,
  onChanged,
}: {
  item: InboxItem;
  api: Api;
  socket: Socket;
  auth: Auth;
  replyRef: { current: HTMLTextAreaElement | null };
  onChanged: () => void;
}) {
  const [detail, setDetail] = useState<any>(null);
  const [messages, setMessages] = useState<readonly Message[]>([]);
  const [reply, setReply] = useState('');
  const [files, setFiles] = useState<File[]>([]);
  const fileRef = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const liveRef = useRef<LiveConversation | null>(null);
  const path = `${base(item.type)}/${item.id}`;

  const refresh = useCallback(async () => setDetail(await api.get<any>(path)), [api, path]);

  useEffect(() => {
    const live = new LiveConversation({
      kind: item.type,
      id: item.id,
      socket,
      fetchMessages: async () => {
        const d = await api.get<any>(path);
        setDetail(d);
        return d.messages as Message[];
      },
      onChange: setMessages,
      onError: (e) => setError(e instanceof ApiError ? e.message : 'Messages could not be loaded'),
    });
    liveRef.current = live;
    void live.start();
    return () => live.stop();
  }, [item.type, item.id, socket, api, path]);

  // Status, priority and assignment change elsewhere too: follow the item's row.
  useEffect(() => {
    void refresh().catch(() => undefined);
  }, [item.status, item.priority, item.assignedAdminId, item.updatedAt]);

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try {
      await fn();
      await refresh();
      onChanged();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'That did not work');
    }
  };

  const send = async (e: Event) => {
    e.preventDefault();
    const text = reply.trim();
    if (!text && files.length === 0) return;
    await act(async () => {
      const attachmentIds = await uploadFiles(api, files);
      const sent = await api.post<Message>(`${path}/messages`, {
        message: text || files.map((f) => f.name).join(', '),
        ...(attachmentIds.length ? { attachmentIds } : {}),
      });
      liveRef.current?.add(sent);
      setReply('');
      setFiles([]);
      if (fileRef.current) fileRef.current.value = '';
    });
  };

  // Who else the item can go to: the agents list needs Agents_MANAGE; without it the
  // agent assigns to themselves only.
  const [agents, setAgents] = useState<Array<{ accountId: number; name: string; status: string }>>([]);
  useEffect(() => {
    api.get<any[]>('/api/admin/agents').then(setAgents).catch(() => setAgents([]));
  }, [api]);

  const statuses = item.type === 'inquiry' ? INQUIRY_STATUSES : REQUEST_STATUSES;
  const d = detail;
  // Who wrote in, from the item itself (a queue row does not carry it).
  const who = d ? (item.type === 'inquiry' ? d.guestName ?? d.guestEmail ?? 'Guest' : d.customer?.name ?? 'Customer') : item.who;
  return (
    <div class="thread">
      <header>
        <h2>
          <span class="label">{item.label}</span> {d?.subject ?? item.subject}
        </h2>
        <p class="meta">
          {item.type === 'inquiry' ? 'Inquiry' : 'Request'} from {who}
          {d?.createdAt && <> · opened {dateTimeOf(d.createdAt)}</>}
          {d?.sla && <SlaTimer sla={d.sla} />}
        </p>
        <div class="actions">
          <label class="inline">
            Status
            <select
              value={d?.status ?? item.status}
              onChange={(e) => void act(() => api.patch(`${path}/status`, { status: (e.currentTarget as HTMLSelectElement).value }))}
            >
              {[d?.status ?? item.status, ...statuses.filter((s) => s !== (d?.status ?? item.status))].map((s) => (
                <option value={s}>{s}</option>
              ))}
            </select>
          </label>
          {item.type === 'request' && (
            <label class="inline">
              Priority
              <select
                value={d?.priority ?? item.priority}
                onChange={(e) => void act(() => api.patch(`${path}/priority`, { priority: (e.currentTarget as HTMLSelectElement).value }))}
              >
                {['low', 'medium', 'high', 'urgent'].map((p) => (
                  <option value={p}>{p}</option>
                ))}
              </select>
            </label>
          )}
          {agents.length > 0 && (
            <label class="inline">
              Assignee
              <select
                value={String(d?.assignedAdminId ?? item.assignedAdminId ?? '')}
                onChange={(e) => {
                  const v = (e.currentTarget as HTMLSelectElement).value;
                  void act(() => api.patch(`${path}/assign`, { assignedAdminId: v ? Number(v) : null, force: true }));
                }}
              >
                <option value="">nobody</option>
                {agents.map((a) => (
                  <option value={String(a.accountId)}>
                    {a.name} ({a.status})
                  </option>
                ))}
              </select>
            </label>
          )}
          {(d?.assignedAdminId ?? item.assignedAdminId) === auth.account.id ? (
            <button type="button" onClick={() => void act(() => api.patch(`${path}/assign`, { assignedAdminId: null }))}>
              Unassign me
            </button>
          ) : (
            <button type="button" onClick={() => void act(() => api.patch(`${path}/assign`, { assignedAdminId: auth.account.id, force: true }))}>
              Assign to me
            </button>
          )}
          {item.type === 'inquiry' && d?.customerId && !d?.supportRequestId && (
            <LinkInquiry api={api} customerId={d.customerId} onLink={(body) => void act(() => api.post(`${path}/link-support-request`, body))} />
          )}
        </div>
      </header>
      <MessageLog
        api={api}
        messages={messages}
        whoOf={(m) => (m.senderType === 'admin' ? 'Support' : m.senderType === 'system' ? 'System' : who)}
        mine={(m) => m.senderType === 'admin'}
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <form class="composer" onSubmit={send}>
        <textarea
          ref={replyRef}
          aria-label="Reply"
          rows={3}
          maxLength={5000}
          placeholder="Reply (r) — Enter sends, Shift+Enter for a new line"
          value={reply}
          onInput={(e) => setReply((e.currentTarget as HTMLTextAreaElement).value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && !e.shiftKey) {
              e.preventDefault();
              (e.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
            }
          }}
        />
        <label class="inline">
          <span class="sr-only">Attach images</span>
          <input ref={fileRef} type="file" multiple accept={IMAGE_TYPES} onChange={(e) => setFiles(Array.from((e.currentTarget as HTMLInputElement).files ?? []))} />
        </label>
        <button type="submit" class="primary">
          Send
        </button>
      </form>
    </div>
  );
}

// An inquiry of a known customer becomes a support request: a new one made of its
// messages, or one of the customer's open requests it then belongs to. The customer's
// requests need SupportRequests_READ; without it only a new request is offered.
function LinkInquiry({ api, customerId, onLink }: { api: Api; customerId: number; onLink: (body: { supportRequestId?: number }) => void }) {
  const [requests, setRequests] = useState<Array<{ id: number; ticketNumber: string; subject: string; status: string }>>([]);
  const [target, setTarget] = useState('');
  useEffect(() => {
    const q = new URLSearchParams({ customerId: String(customerId), pageSize: '50', sortBy: 'updatedAt', sortOrder: 'desc' });
    api
      .get<any[]>(`/api/admin/support-requests?${q}`)
      .then((rows) => setRequests(rows.filter((r) => r.status !== 'closed')))
      .catch(() => setRequests([]));
  }, [api, customerId]);
  return (
    <>
      {requests.length > 0 && (
        <label class="inline">
          Into
          <select value={target} onChange={(e) => setTarget((e.currentTarget as HTMLSelectElement).value)}>
            <option value="">a new request</option>
            {requests.map((r) => (
              <option value={String(r.id)}>
                {r.ticketNumber} · {r.subject}
              </option>
            ))}
          </select>
        </label>
      )}
      <button type="button" onClick={() => onLink(target ? { supportRequestId: Number(target) } : {})}>
        {target ? 'Link to request' : 'Convert to request'}
      </button>
    </>
  );
}
