// The REST client: the one JSON error contract, bearer tokens, and Idempotency-Key on
// every POST and PATCH, so that a retry after a dropped connection never duplicates a
// message (docs/http.md, "Idempotent retries").

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
    readonly details: unknown = null,
  ) {
    super(message);
  }
}

export interface ApiOptions {
  // The server's origin ("" for the page's own).
  baseUrl: string;
  // The bearer token to send (a JWT or an si_… guest token), or null.
  token: () => string | null;
  // Called when the server answers 401: the token is over (a console signs out).
  onUnauthorized?: () => void;
}

// randomUUID exists only in secure contexts (https, localhost); getRandomValues always.
function newKey(): string {
  const c: Crypto = globalThis.crypto;
  if (typeof c.randomUUID === 'function') return c.randomUUID();
  const bytes = new Uint8Array(16);
  c.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

const RETRIES = 3;

export class Api {
  constructor(private readonly options: ApiOptions) {}

  get baseUrl(): string {
    return this.options.baseUrl;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }
  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }
  patch<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('PATCH', path, body);
  }
  del<T>(path: string): Promise<T> {
    return this.request<T>('DELETE', path);
  }

  // A list page: the data array and the pagination block.
  async page<T>(path: string): Promise<{ data: T[]; pagination: Pagination }> {
    const body = await this.send('GET', path);
    return { data: body.data as T[], pagination: body.pagination as Pagination };
  }

  // multipart/form-data (an upload); retried with the same key like any POST.
  upload<T>(path: string, form: FormData): Promise<T> {
    return this.request<T>('POST', path, form);
  }

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    return (await this.send(method, path, body)).data as T;
  }

  // The raw response (CSV downloads, blobs), with the token; throws ApiError on >= 400.
  async raw(path: string): Promise<Response> {
    const response = await fetch(this.options.baseUrl + path, { headers: this.headers() });
    if (!response.ok) throw this.refused(await errorOf(response));
    return response;
  }

  private refused(error: ApiError): ApiError {
    if (error.status === 401) this.options.onUnauthorized?.();
    return error;
  }

  private headers(): Record<string, string> {
    const token = this.options.token();
    return token ? { Authorization: `Bearer ${token}` } : {};
  }

  private async send(method: string, path: string, body?: unknown): Promise<any> {
    const headers = this.headers();
    let payload: BodyInit | undefined;
    if (body instanceof FormData) {
      payload = body;
    } else if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      payload = JSON.stringify(body);
    }
    const writes = method === 'POST' || method === 'PATCH';
    if (writes) headers['Idempotency-Key'] = newKey();
    for (let attempt = 0; ; attempt++) {
      let response: Response;
      try {
        response = await fetch(this.options.baseUrl + path, { method, headers, body: payload });
      } catch (e) {
        // The network failed: the request may or may not have arrived. A write is
        // retried with the same key (the server answers the first outcome); a read too.
        if (attempt + 1 >= RETRIES) throw new ApiError(0, 'NETWORK_ERROR', 'The server cannot be reached');
        await new Promise((r) => setTimeout(r, 300 * 2 ** attempt));
        continue;
      }
      if (response.status === 204) return { data: undefined };
      if (!response.ok) {
        const error = await errorOf(response);
        if (error.errorCode === 'IDEMPOTENCY_KEY_IN_USE' && attempt + 1 < RETRIES) {
          await new Promise((r) => setTimeout(r, 300 * 2 ** attempt));
          continue;
        }
        throw this.refused(error);
      }
      return response.json();
    }
  }
}

export interface Pagination {
  page: number;
  pageSize: number;
  total: number;
  pages: number;
}

async function errorOf(response: Response): Promise<ApiError> {
  try {
    const body = await response.json();
    return new ApiError(response.status, body.errorCode ?? 'ERROR', body.message ?? response.statusText, body.details ?? null);
  } catch {
    return new ApiError(response.status, 'ERROR', response.statusText);
  }
}
