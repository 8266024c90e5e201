// The journey renderer: walks an intake journey one question at a time. The server
// walks the answers (POST …/evaluate) and names the next question, so what the client
// shows is exactly what submit will accept; the end reached decides what is created.
import { useEffect, useState } from 'preact/hooks';
import { Api, ApiError } from './api';
import { IMAGE_TYPES, uploadFiles } from './upload';

export interface JourneyOption {
  label: string;
  value: string;
}

export interface QuestionNode {
  id: string;
  type: 'question';
  questionType: 'single_choice' | 'multiple_choice' | 'text' | 'image_upload';
  question: string;
  options?: JourneyOption[];
  required?: boolean;
}

export interface JourneyEnd {
  create: 'support_request' | 'support_inquiry';
  category: string;
  priority: string | null;
  subject: string;
}

export interface Journey {
  id: number;
  name: string;
  description: string | null;
  version: number;
  definition: unknown;
}

export interface Submitted {
  kind: 'support_request' | 'support_inquiry';
  id: number;
  ticketNumber?: string | null;
  trackingCode?: string | null;
}

type Answer = string | string[] | null;

export interface Evaluation {
  complete: boolean;
  next: QuestionNode | null;
  end: JourneyEnd | null;
}

type Answers = Record<string, Answer>;

// Walks on the server: what the run shows is what submit will accept.
export function serverWalk(api: Api, journey: Journey) {
  return {
    // `next` is the node as the definition has it (in the object form without an id);
    // `nextNodeId` names it.
    evaluate: async (answers: Answers): Promise<Evaluation> => {
      const e = await api.post<Evaluation & { nextNodeId: string | null }>(`/api/journeys/${journey.id}/evaluate`, { version: journey.version, answers });
      return e.next && e.nextNodeId ? { ...e, next: { ...e.next, id: e.nextNodeId } } : e;
    },
    submit: (answers: Answers) => api.post<Submitted>(`/api/journeys/${journey.id}/submit`, { version: journey.version, answers }),
  };
}

export function JourneyRunner({
  api,
  journey,
  evaluate,
  submit,
  onSubmitted,
}: {
  api: Api;
  journey: Pick<Journey, 'name' | 'description'>;
  evaluate: (answers: Answers) => Promise<Evaluation>;
  // Absent: a preview, which creates nothing.
  submit?: (answers: Answers) => Promise<Submitted>;
  onSubmitted?: (s: Submitted) => void;
}) {
  // Answers in the order given; the walk is re-evaluated after each.
  const [answers, setAnswers] = useState<Array<[string, Answer, string]>>([]);
  const [evaluation, setEvaluation] = useState<Evaluation | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    let live = true;
    setBusy(true);
    evaluate(Object.fromEntries(answers.map(([id, a]) => [id, a])))
      .then((e) => live && (setEvaluation(e), setError(null)))
      .catch((e) => {
        if (!live) return;
        setError(e instanceof ApiError || e instanceof Error ? e.message : 'The journey could not be loaded');
        // The last answer was refused: take it back so it can be changed.
        if (e instanceof ApiError && e.errorCode === 'JOURNEY_ANSWERS_INVALID') setAnswers((a) => a.slice(0, -1));
      })
      .finally(() => live && setBusy(false));
    return () => {
      live = false;
    };
  }, [answers, evaluate]);

  const send = async () => {
    if (!submit) return;
    setBusy(true);
    setError(null);
    try {
      onSubmitted?.(await submit(Object.fromEntries(answers.map(([id, a]) => [id, a]))));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Not submitted');
      setBusy(false);
    }
  };

  return (
    <section class="journey" aria-label={journey.name}>
      <h2>{journey.name}</h2>
      {journey.description && <p class="muted">{journey.description}</p>}
      {answers.length > 0 && (
        <ol class="answers" aria-label="Your answers">
          {answers.map(([id, , shown]) => (
            <li key={id}>{shown}</li>
          ))}
        </ol>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {evaluation?.next && (
        <QuestionView key={evaluation.next.id} api={api} node={evaluation.next} busy={busy} onAnswer={(a) => setAnswers([...answers, [evaluation.next!.id, a, describeAnswer(evaluation.next!, a)]])} />
      )}
      {evaluation?.complete && evaluation.end && (
        <div class="done">
          <p>
            This will open {evaluation.end.create === 'support_request' ? 'a support request' : 'a chat with the team'}: <strong>{evaluation.end.subject}</strong>
          </p>
          {submit ? (
            <button type="button" class="primary" disabled={busy} onClick={send}>
              Submit
            </button>
          ) : (
            <p class="muted">Preview: nothing is created.</p>
          )}
        </div>
      )}
      {answers.length > 0 && (
        <button type="button" disabled={busy} onClick={() => setAnswers(answers.slice(0, -1))}>
          Back
        </button>
      )}
    </section>
  );
}

// An answer as a person reads it: option labels, the text, or a count of images.
function describeAnswer(node: QuestionNode, a: Answer): string {
  const values = a === null ? [] : Array.isArray(a) ? a : [a];
  if (values.length === 0 || (values.length === 1 && values[0]!.trim() === '')) return `${node.question} (skipped)`;
  if (node.questionType === 'image_upload') return `${node.question} ${values.length === 1 ? '1 image' : `${values.length} images`}`;
  if (node.questionType === 'text') return `${node.question} ${values[0]}`;
  return `${node.question} ${values.map((v) => node.options?.find((o) => o.value === v)?.label ?? v).join(', ')}`;
}

function QuestionView({ api, node, busy, onAnswer }: { api: Api; node: QuestionNode; busy: boolean; onAnswer: (a: Answer) => void }) {
  const [text, setText] = useState('');
  const [picked, setPicked] = useState<string[]>([]);
  const [uploading, setUploading] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const required = node.required !== false;
  const fieldId = `q-${node.id}`;

  const upload = async (files: FileList | null) => {
    if (!files || files.length === 0) return;
    setUploading(true);
    setError(null);
    try {
      onAnswer(await uploadFiles(api, Array.from(files)));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : 'Upload failed');
    } finally {
      setUploading(false);
    }
  };

  const next = (e: Event) => {
    e.preventDefault();
    if (node.questionType === 'multiple_choice') onAnswer(picked);
    else if (node.questionType === 'text') onAnswer(text.trim() ? text : null);
  };

  return (
    <form class="question" onSubmit={next}>
      <fieldset>
        <legend>
          {node.question}
          {!required && <span class="muted"> (optional)</span>}
        </legend>
        {node.questionType === 'single_choice' &&
          node.options?.map((o) => (
            <button type="button" class="choice" disabled={busy} onClick={() => onAnswer(o.value)}>
              {o.label}
            </button>
          ))}
        {node.questionType === 'multiple_choice' &&
          node.options?.map((o) => (
            <label class="check">
              <input
                type="checkbox"
                checked={picked.includes(o.value)}
                onChange={(e) =>
                  setPicked((e.currentTarget as HTMLInputElement).checked ? [...picked, o.value] : picked.filter((v) => v !== o.value))
                }
              />
              {o.label}
            </label>
          ))}
        {node.questionType === 'text' && (
          <textarea id={fieldId} aria-label={node.question} rows={3} maxLength={2000} value={text} onInput={(e) => setText((e.currentTarget as HTMLTextAreaElement).value)} />
        )}
        {node.questionType === 'image_upload' && (
          <label>
            Choose images
            <input type="file" accept={IMAGE_TYPES} multiple disabled={uploading} onChange={(e) => void upload((e.currentTarget as HTMLInputElement).files)} />
          </label>
        )}
      </fieldset>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="row">
        {(node.questionType === 'multiple_choice' || node.questionType === 'text') && (
          <button type="submit" class="primary" disabled={busy || (required && (node.questionType === 'text' ? !text.trim() : picked.length === 0))}>
            Next
          </button>
        )}
        {!required && (
          <button type="button" disabled={busy} onClick={() => onAnswer(null)}>
            Skip
          </button>
        )}
      </div>
    </form>
  );
}
