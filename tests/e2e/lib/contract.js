// Every response a test receives is checked against the OpenAPI document the server
// serves (GET /api/openapi.json): the operation exists, the status is one it documents,
// the Content-Type matches, and the body validates against the documented schema
// (JSON Schema 2020-12, by Ajv). Importing this module wraps the global fetch; a
// response that disagrees with the document throws, failing the test that made the
// request. Requests to paths the document does not describe (the Socket.IO endpoint)
// pass through.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

const realFetch = globalThis.fetch;
const documents = new Map(); // origin -> Promise<Contract>
const servers = new Set(); // origins of docket servers the tests started

// Checks every later response from `origin` (lib/docket.js calls it for each server).
export function registerServer(origin) {
  servers.add(new URL(origin).origin);
}

// Paths served outside the REST contract.
const UNDOCUMENTED = [/^\/socket\.io\//];

class Contract {
  constructor(document) {
    this.document = document;
    this.ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ ...document, $id: 'openapi' });
    this.validators = new Map();
    this.operations = [];
    for (const [template, item] of Object.entries(document.paths)) {
      const segments = template.split('/');
      for (const [method, operation] of Object.entries(item)) {
        this.operations.push({ template, segments, method: method.toUpperCase(), operation });
      }
    }
  }

  // The operation for a method and path: literal segments beat parameters; HEAD is
  // served by GET.
  find(method, path) {
    const segments = path.split('/');
    const wanted = method === 'HEAD' ? ['HEAD', 'GET'] : [method];
    let best = null;
    let bestScore = -1;
    for (const candidate of this.operations) {
      if (!wanted.includes(candidate.method) || candidate.segments.length !== segments.length) continue;
      let score = 0;
      let ok = true;
      for (let i = 0; i < segments.length && ok; i++) {
        const t = candidate.segments[i];
        if (t.startsWith('{') && t.endsWith('}')) {
          ok = segments[i] !== '';
        } else {
          ok = t === segments[i];
          score += 1;
        }
      }
      if (ok && (score > bestScore || (score === bestScore && candidate.method === method))) {
        best = candidate;
        bestScore = score;
      }
    }
    return best;
  }

  validator(pointer) {
    let v = this.validators.get(pointer);
    if (!v) {
      v = this.ajv.getSchema(`openapi#${pointer}`);
      if (!v) throw new Error(`no schema at ${pointer}`);
      this.validators.set(pointer, v);
    }
    return v;
  }

  // The JSON pointer of the schema a documented response of `status` has (refs
  // followed), or null when it has no JSON body.
  responseSchema(candidate, status) {
    let response = candidate.operation.responses?.[String(status)];
    if (!response) return undefined;
    let pointer = `/paths/${escape(candidate.template)}/${candidate.method.toLowerCase()}/responses/${status}`;
    if (response.$ref) {
      pointer = response.$ref.slice(1);
      response = resolve(this.document, response.$ref);
    }
    const json = response.content?.['application/json'];
    if (!json) return { pointer: null, contentTypes: Object.keys(response.content ?? {}) };
    return { pointer: `${pointer}/content/application~1json/schema`, contentTypes: ['application/json'] };
  }
}

function escape(segment) {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}

function resolve(document, ref) {
  return ref.slice(2).split('/').reduce((node, key) => node[key.replaceAll('~1', '/').replaceAll('~0', '~')], document);
}

async function contractFor(origin) {
  if (!documents.has(origin)) {
    documents.set(origin, (async () => {
      const res = await realFetch(`${origin}/api/openapi.json`);
      if (res.status !== 200) throw new Error(`GET ${origin}/api/openapi.json answered ${res.status}`);
      return new Contract(await res.json());
    })());
  }
  return documents.get(origin);
}

// How many responses were checked against a document (for the suite's own test).
export const checked = { count: 0 };

// Checks one exchange; throws a readable Error when the server and its document disagree.
export async function checkResponse(method, url, response) {
  const { origin, pathname } = new URL(url);
  if (!servers.has(origin) || UNDOCUMENTED.some((re) => re.test(pathname))) return;
  if (method === 'OPTIONS') return; // CORS preflights and Allow: outside the document
  const contract = await contractFor(origin);
  checked.count += 1;
  const where = `${method} ${pathname} -> ${response.status}`;
  const text = method === 'HEAD' ? '' : await response.clone().text();
  const candidate = contract.find(method, pathname);
  if (!candidate) {
    // Not a route: the contract's error answers (404 route not found, 405 with Allow).
    if (![404, 405, 400].includes(response.status)) throw new Error(`${where}: no documented operation`);
    if (method !== 'HEAD') validateError(contract, where, text);
    return;
  }
  if (!response.headers.get('x-request-id')) throw new Error(`${where}: no X-Request-Id`);
  const documented = contract.responseSchema(candidate, response.status);
  if (documented === undefined) {
    throw new Error(`${where}: status ${response.status} is not documented for ${candidate.method} ${candidate.template} (${text.slice(0, 300)})`);
  }
  const contentType = response.headers.get('content-type') ?? '';
  if (!documented.contentTypes.some((t) => contentType.startsWith(t))) {
    throw new Error(`${where}: Content-Type ${contentType} is not one of ${documented.contentTypes.join(', ')}`);
  }
  if (documented.pointer === null || method === 'HEAD') return;
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`${where}: the body is not JSON: ${text.slice(0, 200)}`);
  }
  const validate = contract.validator(documented.pointer);
  if (!validate(body)) {
    throw new Error(`${where}: the body does not match the document: ${contract.ajv.errorsText(validate.errors)}\n${text.slice(0, 1000)}`);
  }
}

function validateError(contract, where, text) {
  const validate = contract.validator('/components/schemas/Error');
  const body = JSON.parse(text);
  if (!validate(body)) throw new Error(`${where}: not the error contract: ${contract.ajv.errorsText(validate.errors)}`);
}

globalThis.fetch = async function checkedFetch(input, init = {}) {
  const response = await realFetch(input, init);
  const url = typeof input === 'string' ? input : (input.url ?? input.href);
  const method = String(init.method ?? input.method ?? 'GET').toUpperCase();
  if (!url.endsWith('/api/openapi.json')) await checkResponse(method, url, response);
  return response;
};
