// A walk of a journey definition in the browser, for the admin's live preview of a
// draft (a version the server cannot walk before it is published). It follows
// docs/journeys.md "Walking the answers"; the server's walk stays the authority for
// every real run.
import type { JourneyEnd, QuestionNode } from './journey';

type Answer = string | string[] | null;
type Node = Record<string, any>;

export interface WalkResult {
  complete: boolean;
  next: QuestionNode | null;
  end: JourneyEnd | null;
  problem: string | null;
}

function nodesOf(definition: any): Map<string, Node> {
  const nodes = new Map<string, Node>();
  const raw = definition?.nodes;
  if (Array.isArray(raw)) {
    for (const n of raw) if (n && typeof n.id === 'string') nodes.set(n.id, n);
  } else if (raw && typeof raw === 'object') {
    for (const [id, n] of Object.entries(raw)) if (n && typeof n === 'object') nodes.set(id, { ...(n as Node), id });
  }
  return nodes;
}

const skipped = (a: Answer | undefined) =>
  a === undefined || a === null || (typeof a === 'string' && a.trim() === '') || (Array.isArray(a) && a.length === 0);

function values(a: Answer | undefined): string[] {
  if (skipped(a)) return [];
  return Array.isArray(a) ? a : [a as string];
}

// Whether `when` holds for the answers walked so far (`seen`).
export function holds(when: any, seen: Map<string, Answer>, nodes: Map<string, Node>): boolean {
  if (!when || typeof when !== 'object') return false;
  if (Array.isArray(when.all)) return when.all.every((e: any) => holds(e, seen, nodes));
  if (Array.isArray(when.any)) return when.any.some((e: any) => holds(e, seen, nodes));
  if ('not' in when) return !holds(when.not, seen, nodes);
  const answer = seen.get(when.node);
  const isText = nodes.get(when.node)?.questionType === 'text';
  const norm = (s: string) => (isText ? s.trim().toLowerCase() : s);
  if ('answered' in when) return !skipped(answer) === Boolean(when.answered);
  const given = values(answer);
  if (given.length === 0) return false;
  if ('equals' in when) return given.length === 1 && norm(given[0]!) === norm(String(when.equals));
  if (Array.isArray(when.oneOf)) return given.some((g) => when.oneOf.some((v: string) => norm(g) === norm(v)));
  if ('contains' in when) {
    if (isText) return given[0]!.toLowerCase().includes(String(when.contains).toLowerCase());
    return given.includes(String(when.contains));
  }
  return false;
}

function render(template: string | undefined, seen: Map<string, Answer>, nodes: Map<string, Node>, fallback: string): string {
  if (!template) return fallback;
  const out = template.replace(/\{\{\s*([^}\s]+)\s*\}\}/g, (_, id: string) => {
    const node = nodes.get(id);
    const a = seen.get(id);
    if (!node || skipped(a)) return '';
    if (node.questionType === 'image_upload') {
      const n = values(a).length;
      return n === 1 ? '1 image attached' : `${n} images attached`;
    }
    if (node.questionType === 'text') return String(a);
    return values(a)
      .map((v) => node.options?.find((o: any) => o.value === v)?.label ?? v)
      .join(', ');
  });
  return out.trim() || fallback;
}

export function walk(definition: any, answers: Record<string, Answer>, journeyName = 'Journey'): WalkResult {
  const nodes = nodesOf(definition);
  const seen = new Map<string, Answer>();
  const visited = new Set<string>();
  let id: string | undefined = definition?.startNode;
  while (id !== undefined) {
    const node = nodes.get(id);
    if (!node) return { complete: false, next: null, end: null, problem: `no node "${id}"` };
    if (visited.has(id)) return { complete: false, next: null, end: null, problem: 'the answers lead around a loop' };
    visited.add(id);
    if (node.type === 'end') {
      return {
        complete: true,
        next: null,
        problem: null,
        end: { create: node.create, category: node.category, priority: node.priority ?? null, subject: render(node.subject, seen, nodes, journeyName) },
      };
    }
    if (node.type === 'condition') {
      const branch = (node.branches ?? []).find((b: any) => holds(b.when, seen, nodes));
      id = branch ? branch.next : node.else;
      continue;
    }
    if (!(id in answers)) return { complete: false, next: node as QuestionNode, end: null, problem: null };
    const answer = answers[id] ?? null;
    seen.set(id, answer);
    let next: string | undefined = node.next;
    if (!skipped(answer) && node.nextNodeMap) {
      if (node.questionType === 'single_choice') next = node.nextNodeMap[answer as string] ?? node.next;
      if (node.questionType === 'multiple_choice') {
        const first = (node.options ?? []).find((o: any) => (answer as string[]).includes(o.value) && node.nextNodeMap[o.value]);
        if (first) next = node.nextNodeMap[first.value];
      }
    }
    id = next;
  }
  return { complete: false, next: null, end: null, problem: 'an answer leads nowhere' };
}
