// The smaller admin sections: agents, SLA policies and calendars, staff and
// permissions, the audit log with its hash-chain check, and the read models.
import { useEffect, useState } from 'preact/hooks';
import { Api, ApiError } from '../lib/api';
import { dateTimeOf } from '../lib/format';

function useList<T>(api: Api, path: string): [T[], () => Promise<void>, string | null] {
  const [items, setItems] = useState<T[]>([]);
  const [error, setError] = useState<string | null>(null);
  const load = async () => {
    try {
      setItems(await api.get<T[]>(path));
      setError(null);
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Not loaded');
    }
  };
  useEffect(() => void load(), [path]);
  return [items, load, error];
}

function Failure({ error }: { error: string | null }) {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}

// Edits a record as JSON and sends the fields that changed with `save`.
function JsonEdit({ label, value, onSave }: { label: string; value: unknown; onSave: (v: any) => Promise<unknown> }) {
  const [text, setText] = useState(JSON.stringify(value, null, 2));
  const [error, setError] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const save = async () => {
    setError(null);
    setSaved(false);
    try {
      await onSave(JSON.parse(text));
      setSaved(true);
    } catch (e) {
      setError(e instanceof ApiError ? `${e.message}${e.details ? `: ${JSON.stringify(e.details)}` : ''}` : (e as Error).message);
    }
  };
  return (
    <div class="jsonedit">
      <textarea aria-label={label} rows={Math.min(16, text.split('\n').length + 1)} spellcheck={false} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
      <div class="row">
        <button type="button" onClick={() => void save()}>
          Save
        </button>
        {saved && <span role="status">Saved.</span>}
      </div>
      <Failure error={error} />
    </div>
  );
}

export function Agents({ api }: { api: Api }) {
  const [agents, reload, error] = useList<any>(api, '/api/admin/agents');
  return (
    <section class="stack-page" aria-labelledby="agents-title">
      <h2 id="agents-title">Agents</h2>
      <Failure error={error} />
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Agent</th>
            <th scope="col">Status</th>
            <th scope="col">Open / capacity</th>
            <th scope="col">Skills</th>
            <th scope="col">Shift</th>
            <th scope="col">Settings</th>
          </tr>
        </thead>
        <tbody>
          {agents.map((a) => (
            <tr>
              <th scope="row">
                {a.name}
                <br />
                <span class="muted">{a.email}</span>
              </th>
              <td>{a.status}</td>
              <td>
                {a.openItems} / {a.maxOpenItems}
              </td>
              <td>{a.skills.join(', ') || '—'}</td>
              <td>{a.shift ? `${a.shift.timezone}${a.inShift ? ' (in shift)' : ' (off shift)'}` : 'always'}</td>
              <td>
                <details>
                  <summary>Edit</summary>
                  <JsonEdit
                    label={`Settings of ${a.name}`}
                    value={{ maxOpenItems: a.maxOpenItems, skills: a.skills, shift: a.shift }}
                    onSave={async (v) => {
                      await api.patch(`/api/admin/agents/${a.accountId}`, v);
                      await reload();
                    }}
                  />
                </details>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

export function Sla({ api }: { api: Api }) {
  const [policies, reloadPolicies, e1] = useList<any>(api, '/api/admin/sla/policies');
  const [calendars, reloadCalendars, e2] = useList<any>(api, '/api/admin/sla/calendars');
  const strip = ({ id: _i, version: _v, createdAt: _c, updatedAt: _u, ...rest }: any) => rest;
  return (
    <section class="stack-page" aria-labelledby="sla-title">
      <h2 id="sla-title">SLA policies and calendars</h2>
      <Failure error={e1 ?? e2} />
      <h3>Policies</h3>
      {policies.map((p) => (
        <details class="record">
          <summary>
            <strong>{p.name}</strong> <span class="muted">{(p.appliesTo ?? []).join(', ')}</span>
          </summary>
          <JsonEdit label={`Policy ${p.name}`} value={strip(p)} onSave={async (v) => (await api.patch(`/api/admin/sla/policies/${p.id}`, v), reloadPolicies())} />
        </details>
      ))}
      <h3>Calendars</h3>
      {calendars.map((c) => (
        <details class="record">
          <summary>
            <strong>{c.name}</strong> <span class="muted">{c.timezone}</span>
          </summary>
          <JsonEdit label={`Calendar ${c.name}`} value={strip(c)} onSave={async (v) => (await api.patch(`/api/admin/sla/calendars/${c.id}`, v), reloadCalendars())} />
        </details>
      ))}
      <details class="record">
        <summary>New calendar</summary>
        <JsonEdit
          label="New calendar"
          value={{ name: 'Office hours', timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', weekly: ['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({ day, start: '09:00', end: '17:00' })), holidays: [] }}
          onSave={async (v) => (await api.post('/api/admin/sla/calendars', v), reloadCalendars())}
        />
      </details>
    </section>
  );
}

export function Staff({ api, catalogue }: { api: Api; catalogue: string[] }) {
  const [staff, reload, error] = useList<any>(api, '/api/admin/staff?pageSize=100');
  const [notice, setNotice] = useState<string | null>(null);
  const act = async (fn: () => Promise<unknown>) => {
    setNotice(null);
    try {
      await fn();
      await reload();
    } catch (e) {
      setNotice(e instanceof ApiError ? e.message : 'Not changed');
    }
  };
  const create = (e: Event) => {
    e.preventDefault();
    const form = e.currentTarget as HTMLFormElement;
    const f = new FormData(form);
    void act(async () => {
      await api.post('/api/admin/staff', { name: String(f.get('name')), email: String(f.get('email')), password: String(f.get('password')), role: String(f.get('role')) });
      form.reset();
    });
  };
  return (
    <section class="stack-page" aria-labelledby="staff-title">
      <h2 id="staff-title">Staff and permissions</h2>
      <Failure error={error ?? notice} />
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Role</th>
            <th scope="col">Permissions</th>
            <th scope="col">Active</th>
          </tr>
        </thead>
        <tbody>
          {staff.map((s) => (
            <tr>
              <th scope="row">
                {s.name}
                <br />
                <span class="muted">{s.email}</span>
              </th>
              <td>{s.role}</td>
              <td>
                <fieldset class="perms">
                  <legend class="sr-only">Permissions of {s.name}</legend>
                  {catalogue.map((p) => (
                    <label class="check">
                      <input
                        type="checkbox"
                        checked={s.permissions.includes(p)}
                        onChange={(e) => {
                          const on = (e.currentTarget as HTMLInputElement).checked;
                          const permissions = on ? [...s.permissions, p] : s.permissions.filter((x: string) => x !== p);
                          void act(() => api.patch(`/api/admin/staff/${s.id}/permissions`, { permissions }));
                        }}
                      />
                      {p}
                    </label>
                  ))}
                </fieldset>
              </td>
              <td>
                {s.active ? (
                  <button type="button" onClick={() => void act(() => api.post(`/api/admin/staff/${s.id}/deactivate`, {}))}>
                    Deactivate
                  </button>
                ) : (
                  <button type="button" onClick={() => void act(() => api.post(`/api/admin/staff/${s.id}/reactivate`, {}))}>
                    Reactivate
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <form class="stack" onSubmit={create} aria-label="New staff member">
        <h3>New staff member</h3>
        <label>
          Name <input name="name" required maxLength={100} />
        </label>
        <label>
          E-mail <input name="email" type="email" required />
        </label>
        <label>
          Initial password <input name="password" type="password" required minLength={8} autoComplete="new-password" />
        </label>
        <label>
          Role
          <select name="role">
            <option value="agent">agent</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <button type="submit">Create</button>
      </form>
    </section>
  );
}

export function Audit({ api }: { api: Api }) {
  const [page, setPage] = useState<{ events: any[]; nextAfter: number; head: number } | null>(null);
  const [after, setAfter] = useState(0);
  const [history, setHistory] = useState<number[]>([]);
  const [check, setCheck] = useState<any>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    api
      .get<any>(`/api/admin/events?after=${after}&limit=50`)
      .then(setPage)
      .catch((e) => setError(e instanceof ApiError ? e.message : 'Not loaded'));
  }, [after]);
  const verify = async () => {
    setCheck({ running: true });
    try {
      setCheck(await api.get<any>('/api/admin/events/verify'));
    } catch (e) {
      setCheck({ error: e instanceof ApiError ? e.message : 'The check did not run' });
    }
  };
  return (
    <section class="stack-page" aria-labelledby="audit-title">
      <h2 id="audit-title">Audit log</h2>
      <Failure error={error} />
      <div class="toolbar">
        <button type="button" onClick={() => void verify()}>
          Check the hash chain
        </button>
        {check && (
          <p role="status" data-testid="chain-check" class={check.ok ? 'good' : check.running ? '' : 'error'}>
            {check.running
              ? 'Checking…'
              : check.error
                ? check.error
                : check.ok
                  ? `The chain holds: ${check.eventsChecked} events checked up to ${check.head}.`
                  : `Damaged at event ${check.badEventId}: ${check.reason}`}
          </p>
        )}
      </div>
      {page && (
        <>
          <p class="muted">
            Events {page.events[0]?.eventId ?? '—'}–{page.events.at(-1)?.eventId ?? '—'} of {page.head}
          </p>
          <table class="table">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">When</th>
                <th scope="col">Type</th>
                <th scope="col">Stream</th>
                <th scope="col">Actor</th>
                <th scope="col">Hash</th>
              </tr>
            </thead>
            <tbody>
              {page.events.map((e) => (
                <tr>
                  <th scope="row">{e.eventId}</th>
                  <td>{dateTimeOf(e.occurredAt)}</td>
                  <td>
                    <code>{e.type}</code>
                  </td>
                  <td>{e.stream}</td>
                  <td>
                    {e.actor?.type}
                    {e.actor?.id ? ` ${e.actor.id}` : ''}
                  </td>
                  <td>
                    <code title={e.hash}>{String(e.hash).slice(0, 12)}…</code>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <div class="row">
            <button type="button" disabled={history.length === 0} onClick={() => (setAfter(history.at(-1)!), setHistory(history.slice(0, -1)))}>
              Previous
            </button>
            <button type="button" disabled={page.nextAfter >= page.head} onClick={() => (setHistory([...history, after]), setAfter(page.nextAfter))}>
              Next
            </button>
          </div>
        </>
      )}
    </section>
  );
}

export function ReadModels({ api }: { api: Api }) {
  const [models, reload, error] = useList<any>(api, '/api/admin/projections');
  const [notice, setNotice] = useState<string | null>(null);
  useEffect(() => {
    if (!models.some((m) => m.rebuilding)) return;
    const t = setTimeout(() => void reload(), 1000);
    return () => clearTimeout(t);
  }, [models]);
  return (
    <section class="stack-page" aria-labelledby="models-title">
      <h2 id="models-title">Read models</h2>
      <Failure error={error ?? notice} />
      <table class="table">
        <thead>
          <tr>
            <th scope="col">Read model</th>
            <th scope="col">State</th>
            <th scope="col">Checkpoint / head</th>
            <th scope="col">Lag</th>
            <th scope="col">Rebuild</th>
          </tr>
        </thead>
        <tbody>
          {models.map((m) => (
            <tr>
              <th scope="row">{m.name}</th>
              <td>
                {m.state}
                {m.lastError ? <span class="error"> {m.lastError}</span> : null}
              </td>
              <td>
                {m.checkpoint} / {m.head}
              </td>
              <td>{m.lag}</td>
              <td>
                <button
                  type="button"
                  disabled={m.rebuilding}
                  onClick={() =>
                    void api
                      .post(`/api/admin/projections/${m.name}/rebuild`, {})
                      .then(reload)
                      .catch((e) => setNotice(e instanceof ApiError ? e.message : 'Not started'))
                  }
                >
                  {m.rebuilding ? 'Rebuilding…' : 'Rebuild'}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
