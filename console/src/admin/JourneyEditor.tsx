// The journey editor: the definition as one card per node, each with its own JSON and
// the validation problems the server reports for that node pinned under it, and a live
// preview walked by the same renderer customers use.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { Api, ApiError } from '../lib/api';
import { JourneyRunner, type Evaluation } from '../lib/journey';
import { walk } from '../lib/journeyWalk';

interface Problem {
  nodeId: string;
  rule: string;
  message: string;
}

interface NodeDraft {
  id: string;
  text: string;
}

const STARTER = {
  startNode: 'topic',
  nodes: {
    topic: {
      type: 'question',
      questionType: 'single_choice',
      question: 'What do you need help with?',
      options: [
        { label: 'An order', value: 'order' },
        { label: 'Something else', value: 'other' },
      ],
      next: 'done',
    },
    done: { type: 'end', create: 'support_inquiry', category: 'general', subject: 'About {{topic}}' },
  },
};

function toDrafts(definition: any): { start: string; nodes: NodeDraft[] } {
  const raw = definition?.nodes;
  const entries: Array<[string, any]> = Array.isArray(raw)
    ? raw.map((n: any) => [String(n?.id ?? ''), n])
    : Object.entries(raw ?? {});
  return {
    start: String(definition?.startNode ?? ''),
    nodes: entries.map(([id, n]) => {
      const { id: _drop, ...rest } = (n ?? {}) as Record<string, unknown>;
      return { id, text: JSON.stringify(rest, null, 2) };
    }),
  };
}

// The definition the drafts spell, or the nodes whose JSON does not parse.
function fromDrafts(start: string, nodes: NodeDraft[]): { definition: any | null; parseErrors: Map<string, string> } {
  const parseErrors = new Map<string, string>();
  const out: Record<string, unknown> = {};
  for (const n of nodes) {
    try {
      out[n.id] = JSON.parse(n.text);
    } catch (e) {
      parseErrors.set(n.id, `Not JSON: ${(e as Error).message}`);
    }
  }
  return { definition: parseErrors.size ? null : { startNode: start, nodes: out }, parseErrors };
}

export function JourneyEditor({ api }: { api: Api }) {
  const [journeys, setJourneys] = useState<any[]>([]);
  const [selected, setSelected] = useState<any>(null);
  const [start, setStart] = useState('');
  const [nodes, setNodes] = useState<NodeDraft[]>([]);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [notice, setNotice] = useState<string | null>(null);

  const reload = () => api.get<any[]>('/api/admin/journeys?pageSize=100').then(setJourneys).catch(() => undefined);
  useEffect(() => void reload(), []);

  const open = async (id: number) => {
    const j = await api.get<any>(`/api/admin/journeys/${id}`);
    setSelected(j);
    const latest = j.versions?.length ? j.versions[j.versions.length - 1].version : null;
    const def = latest ? (await api.get<any>(`/api/admin/journeys/${id}/versions/${latest}`)).definition : STARTER;
    const d = toDrafts(def);
    setStart(d.start);
    setNodes(d.nodes);
    setNotice(null);
  };

  const create = async (e: Event) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget as HTMLFormElement);
    try {
      const j = await api.post<any>('/api/admin/journeys', { name: String(form.get('name')), channel: String(form.get('channel')) });
      await reload();
      await open(j.id);
    } catch (err) {
      setNotice(err instanceof ApiError ? err.message : 'Not created');
    }
  };

  const { definition, parseErrors } = useMemo(() => fromDrafts(start, nodes), [start, nodes]);

  // Validate as the admin types (debounced); nothing is saved.
  useEffect(() => {
    if (!selected || !definition) return;
    const t = setTimeout(() => {
      api
        .post<{ valid: boolean; problems: Problem[] }>('/api/admin/journeys/validate', { definition, channel: selected.channel })
        .then((r) => setProblems(r.problems))
        .catch(() => undefined);
    }, 300);
    return () => clearTimeout(t);
  }, [definition, selected]);

  const save = async (publish: boolean) => {
    if (!definition || !selected) return;
    try {
      const v = await api.post<any>(`/api/admin/journeys/${selected.id}/versions`, { definition, publish });
      setNotice(`Version ${v.version ?? ''} saved${publish ? ' and published' : ' as a draft'}.`);
      await reload();
    } catch (err) {
      setNotice(err instanceof ApiError ? err.message : 'Not saved');
    }
  };

  const evaluate = useMemo(
    () => async (answers: Record<string, any>): Promise<Evaluation> => {
      const r = walk(definition, answers, selected?.name);
      if (r.problem) throw new Error(r.problem);
      return { complete: r.complete, next: r.next, end: r.end };
    },
    [definition, selected?.name],
  );

  const at = (id: string) => problems.filter((p) => p.nodeId === id);
  const whole = problems.filter((p) => p.nodeId === '' || !nodes.some((n) => n.id === p.nodeId));

  return (
    <section class="stack-page" aria-labelledby="journeys-title">
      <h2 id="journeys-title">Journeys</h2>
      <div class="split">
        <div>
          <ul class="cards">
            {journeys.map((j) => (
              <li>
                <button type="button" class={`card ${selected?.id === j.id ? 'on' : ''}`} onClick={() => void open(j.id)}>
                  <strong>{j.name}</strong>
                  <span class="muted">
                    {j.channel} · {j.currentVersion ? `v${j.currentVersion} live` : 'not published'}
                    {j.archived ? ' · archived' : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          <form class="stack" onSubmit={create}>
            <label>
              New journey
              <input name="name" required maxLength={200} placeholder="Name" />
            </label>
            <label>
              Channel
              <select name="channel">
                <option value="any">any</option>
                <option value="portal">portal</option>
                <option value="widget">widget</option>
              </select>
            </label>
            <button type="submit">Create</button>
          </form>
        </div>
        {selected && (
          <div class="editor" data-testid="journey-editor">
            <h3>{selected.name}</h3>
            {notice && <p role="status">{notice}</p>}
            <label class="inline">
              Start node
              <input value={start} onInput={(e) => setStart((e.currentTarget as HTMLInputElement).value)} />
            </label>
            {whole.length > 0 && (
              <ul class="problems" aria-label="Problems of the whole journey">
                {whole.map((p) => (
                  <li>
                    {p.nodeId && <code>{p.nodeId}</code>} {p.message} <code>{p.rule}</code>
                  </li>
                ))}
              </ul>
            )}
            {nodes.map((n, i) => {
              const mine = at(n.id);
              const parse = parseErrors.get(n.id);
              const describedBy = `node-${i}-problems`;
              return (
                <div class={`node ${mine.length || parse ? 'bad' : ''}`} data-node={n.id}>
                  <div class="row">
                    <label class="inline">
                      Node
                      <input
                        value={n.id}
                        aria-label={`Id of node ${i + 1}`}
                        onInput={(e) => setNodes(nodes.map((m, j) => (j === i ? { ...m, id: (e.currentTarget as HTMLInputElement).value } : m)))}
                      />
                    </label>
                    <button type="button" onClick={() => setNodes(nodes.filter((_, j) => j !== i))}>
                      Remove
                    </button>
                  </div>
                  <textarea
                    aria-label={`JSON of node ${n.id}`}
                    aria-invalid={mine.length > 0 || Boolean(parse)}
                    aria-describedby={describedBy}
                    rows={Math.min(18, n.text.split('\n').length + 1)}
                    spellcheck={false}
                    value={n.text}
                    onInput={(e) => setNodes(nodes.map((m, j) => (j === i ? { ...m, text: (e.currentTarget as HTMLTextAreaElement).value } : m)))}
                  />
                  <ul class="problems" id={describedBy} aria-live="polite">
                    {parse && <li>{parse}</li>}
                    {mine.map((p) => (
                      <li>
                        {p.message} <code>{p.rule}</code>
                      </li>
                    ))}
                  </ul>
                </div>
              );
            })}
            <div class="row">
              <button type="button" onClick={() => setNodes([...nodes, { id: `node${nodes.length + 1}`, text: '{\n  "type": "question",\n  "questionType": "text",\n  "question": "",\n  "next": ""\n}' }])}>
                Add node
              </button>
              <button type="button" disabled={!definition} onClick={() => void save(false)}>
                Save draft
              </button>
              <button type="button" class="primary" disabled={!definition || problems.length > 0} onClick={() => void save(true)}>
                Publish
              </button>
            </div>
            <h3>Preview</h3>
            {definition ? (
              <JourneyRunner key={JSON.stringify(definition)} api={api} journey={{ name: selected.name, description: selected.description }} evaluate={evaluate} />
            ) : (
              <p class="muted">Fix the JSON to see the preview.</p>
            )}
          </div>
        )}
      </div>
    </section>
  );
}
