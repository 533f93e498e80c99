import createClient, {
  createFinalURL,
  defaultPathSerializer,
  type FetchResponse,
  type ParamsOption,
  type RequestBodyOption,
} from 'openapi-fetch';
import type { HttpMethod, MediaType, PathsWithMethod, RequiredKeysOf } from 'openapi-typescript-helpers';
import type { paths } from './openapi';

/**
 * The one way the web app talks to the server: JSON in and out, the session cookie sent along,
 * the CSRF token echoed on unsafe methods, and every error turned into an ApiError.
 */

import type { FieldProblem } from '@releasegate/messages';

export type FieldErrors = Record<string, string[]>;

export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }

  /** Field messages from `details.fields`, keyed by the field name the server validated. */
  get fields(): FieldErrors {
    const fields = detailsRecord(this.details).fields;
    if (!fields || typeof fields !== 'object') return {};
    const result: FieldErrors = {};
    for (const [key, value] of Object.entries(fields as Record<string, unknown>)) {
      if (Array.isArray(value)) result[key] = value.map(String);
    }
    return result;
  }

  /**
   * What is wrong with each field as codes (`details.fieldProblems`), which the catalog renders in
   * the reader's language; empty for an answer that carries only `details.fields`.
   */
  get fieldProblems(): Record<string, FieldProblem[]> {
    const problems = detailsRecord(this.details).fieldProblems;
    if (!problems || typeof problems !== 'object') return {};
    const result: Record<string, FieldProblem[]> = {};
    for (const [key, value] of Object.entries(problems as Record<string, unknown>))
      if (Array.isArray(value)) result[key] = value as FieldProblem[];
    return result;
  }

  /** `details.reason`, which names the kind of refusal (bad_credentials, disabled, csrf, …). */
  get reason(): string | undefined {
    const reason = detailsRecord(this.details).reason;
    return typeof reason === 'string' ? reason : undefined;
  }

  detail(name: string): unknown {
    return detailsRecord(this.details)[name];
  }
}

function detailsRecord(details: unknown): Record<string, unknown> {
  return details && typeof details === 'object' ? (details as Record<string, unknown>) : {};
}

export const CSRF_COOKIE = 'rg_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readCookie(name: string): string | undefined {
  if (typeof document === 'undefined') return undefined;
  for (const part of document.cookie.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

type UnauthenticatedHandler = (error: ApiError) => void;

let onUnauthenticated: UnauthenticatedHandler = () => {
  const here = window.location.pathname + window.location.search;
  if (!window.location.pathname.startsWith('/login'))
    window.location.assign(`/login?next=${encodeURIComponent(here)}`);
};

/** The app installs a router-aware handler; the default reloads to /login. */
export function setUnauthenticatedHandler(handler: UnauthenticatedHandler): void {
  onUnauthenticated = handler;
}

export type QueryValue = string | number | boolean | null | undefined;

/**
 * The query string of a request: empty, null and undefined values are left out, so a cleared
 * filter field means "no filter".
 */
export function queryString(query: Record<string, unknown> | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    // The API document's queries are scalars: a number or boolean is written as JSON writes it.
    params.set(key, typeof value === 'string' ? value : JSON.stringify(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

const inFlight = new Map<string, { key: string; count: number }>();

/**
 * The Idempotency-Key of a POST: the same request sent again while the first is still on its way
 * — a double click — carries the same key, so the server creates one record and answers both
 * alike. Once the answer is in, the same request again is a new intent (a retry after fixing what
 * was refused, a second identical reading) and gets a new key. `done` must be called with the
 * answer.
 */
export function idempotencyKeyFor(path: string, body: unknown): { key: string; done: () => void } {
  const print = `${path}\n${JSON.stringify(body ?? null)}`;
  let entry = inFlight.get(print);
  if (!entry) {
    // getRandomValues, unlike randomUUID, works outside secure contexts too (plain http on a LAN).
    const key = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) =>
      b.toString(16).padStart(2, '0'),
    ).join('');
    entry = { key, count: 0 };
    inFlight.set(print, entry);
  }
  entry.count++;
  const claimed = entry;
  return {
    key: claimed.key,
    done: () => {
      if (--claimed.count === 0 && inFlight.get(print) === claimed) inFlight.delete(print);
    },
  };
}

/** What a call may add to the route's own parameters and body. */
export interface CallOptions {
  /** false for calls where "not signed in" is an answer, not a reason to leave the page. */
  redirectOn401?: boolean;
  signal?: AbortSignal;
}

type Operation<P extends keyof paths, M extends HttpMethod> = NonNullable<paths[P][M]>;

/** The path parameters, query and body a route takes, checked against the API document. */
export type RouteInit<P extends keyof paths, M extends HttpMethod> = ParamsOption<Operation<P, M>> &
  RequestBodyOption<Operation<P, M>>;

type InitArgs<I> = RequiredKeysOf<I> extends never ? [(I & CallOptions)?] : [I & CallOptions];

/** The answer of a route on success; `void` for 204. */
export type RouteAnswer<P extends keyof paths, M extends HttpMethod> =
  FetchResponse<Operation<P, M>, object, MediaType> extends infer R
    ? R extends { data: infer D }
      ? [D] extends [never]
        ? void
        : D
      : never
    : never;

type Call<M extends HttpMethod> = <P extends PathsWithMethod<paths, M>>(
  path: P,
  ...init: InitArgs<RouteInit<P, M>>
) => Promise<RouteAnswer<P, M>>;

/** The web app's client of the API, keyed by the OpenAPI document's paths. */
export interface Api {
  GET: Call<'get'>;
  POST: Call<'post'>;
  PUT: Call<'put'>;
  PATCH: Call<'patch'>;
  DELETE: Call<'delete'>;
}

const querySerializer = (query: Record<string, unknown>) => queryString(query).slice(1);

/** How long after the page started an early answer may still stand for a request of the app. */
const EARLY_FOR_MS = 15_000;

/**
 * The answer src/early.ts already asked for (issue #18), if this is the same GET and the page is
 * still starting: taken once, so a later request of the same URL asks the server again. The first
 * write (a sign-in, a sign-out, any action) drops every answer not yet taken: they describe the
 * world, and the person, before it.
 */
function earlyResponse(request: Request): Promise<Response> | undefined {
  if (typeof window === 'undefined') return undefined;
  const early = (window as unknown as { __releasegateEarly?: Map<string, Promise<Response>> })
    .__releasegateEarly;
  if (request.method !== 'GET') {
    early?.clear();
    return undefined;
  }
  const answer = early?.get(request.url);
  if (!answer) return undefined;
  early?.delete(request.url);
  return performance.now() < EARLY_FOR_MS ? answer : undefined;
}

/**
 * Issue #18: where the app's requests go while the server renders a page's first paint
 * (src/server/entry-server.tsx): the server's own origin and an in-process fetch carrying the
 * visitor's session, for the request being rendered. Never set in a browser.
 */
export interface ServerTransport {
  baseUrl: string;
  fetch: typeof fetch;
}
let currentServerTransport: () => ServerTransport | undefined = () => undefined;

export function setServerTransport(current: () => ServerTransport | undefined): void {
  currentServerTransport = current;
}

/**
 * Makes the client: `baseUrl` and `fetch` are for tests (Node's Request wants an absolute URL);
 * the app uses the page's origin and the global fetch.
 */
export function createApi(options: { baseUrl?: string; fetch?: typeof fetch } = {}): Api {
  const client = createClient<paths>({
    baseUrl: options.baseUrl ?? '',
    // Read at call time, so a test may stub the global fetch after this module loaded.
    fetch: (request) =>
      currentServerTransport()?.fetch(request) ??
      earlyResponse(request) ??
      (options.fetch ?? globalThis.fetch)(request),
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
    querySerializer,
  });
  const call =
    <M extends HttpMethod>(method: M) =>
    async (path: string, init: Record<string, unknown> & CallOptions = {}): Promise<unknown> => {
      const { redirectOn401, ...rest } = init;
      const headers: Record<string, string> = {};
      if (!SAFE_METHODS.has(method.toUpperCase())) {
        const csrf = readCookie(CSRF_COOKIE);
        if (csrf) headers[CSRF_HEADER] = csrf;
      }
      const idempotency =
        method === 'post'
          ? idempotencyKeyFor(`${path}\n${JSON.stringify(rest.params ?? null)}`, rest.body)
          : null;
      if (idempotency) headers['Idempotency-Key'] = idempotency.key;
      let result: { data?: unknown; error?: unknown; response: Response };
      try {
        // The typed surface (Api) has checked path, params and body; the client is untyped here.
        result = await (client.request as (m: string, p: string, i: object) => Promise<typeof result>)(
          method,
          path,
          { ...rest, headers, baseUrl: currentServerTransport()?.baseUrl },
        );
      } catch (cause) {
        if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
        if (cause instanceof SyntaxError)
          throw new ApiError(0, 'bad_response', 'The server answered with something that is not JSON');
        throw new ApiError(0, 'network_error', cause instanceof Error ? cause.message : String(cause));
      } finally {
        idempotency?.done();
      }
      const { response } = result;
      if (response.ok) return result.data;
      const payload =
        typeof result.error === 'string'
          ? { error: { code: 'bad_response', message: result.error.slice(0, 200) } }
          : result.error;
      const error = toApiError(response.status, payload);
      if (response.status === 401 && redirectOn401 !== false) onUnauthenticated(error);
      throw error;
    };
  return {
    GET: call('get') as Call<'get'>,
    POST: call('post') as Call<'post'>,
    PUT: call('put') as Call<'put'>,
    PATCH: call('patch') as Call<'patch'>,
    DELETE: call('delete') as Call<'delete'>,
  };
}

/**
 * The one client of the API: `api.GET('/api/releases/{id}', { params: { path: { id } } })`.
 * Path, path parameters, query, body and answer are the API document's (`npm run api:types`).
 */
export const api: Api = createApi();

function toApiError(status: number, payload: unknown): ApiError {
  const error = detailsRecord(detailsRecord(payload).error);
  const code = typeof error.code === 'string' ? error.code : `http_${status}`;
  const message = typeof error.message === 'string' ? error.message : `HTTP ${status}`;
  return new ApiError(status, code, message, error.details);
}

/** The URL of a route with its path parameters and query filled in (links, uploads, downloads). */
type RouteParams = { path?: Record<string, unknown>; query?: Record<string, unknown> };

export function routeUrl<P extends keyof paths>(path: P, params: RouteParams = {}): string {
  return createFinalURL(path as string, {
    baseUrl: '',
    params,
    querySerializer,
    pathSerializer: defaultPathSerializer,
  });
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** Bytes moved so far and the total when known: what a progress bar shows. */
export interface TransferProgress {
  loaded: number;
  total: number | null;
}

type UploadMethod = 'post' | 'put';

export type UploadOptions<P extends PathsWithMethod<paths, M>, M extends UploadMethod> = ParamsOption<
  Operation<P, M>
> & {
  method: M;
  /** The file's bytes, sent as application/octet-stream; its name goes in X-Filename. */
  file: Blob;
  filename: string;
  onProgress?: (progress: TransferProgress) => void;
  signal?: AbortSignal;
};

/**
 * Sends a file as the raw request body (the server streams it) to an upload route of the API
 * document, reporting upload progress, with the same cookie, CSRF token and error handling as
 * `api`. XMLHttpRequest because fetch cannot report upload progress.
 */
export function apiUpload<M extends UploadMethod, P extends PathsWithMethod<paths, M>>(
  path: P,
  options: UploadOptions<P, M>,
): Promise<RouteAnswer<P, M>> {
  const { params } = options as { params?: RouteParams };
  return new Promise<RouteAnswer<P, M>>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(options.method.toUpperCase(), routeUrl(path, params));
    xhr.withCredentials = true;
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('X-Filename', encodeURIComponent(options.filename));
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) xhr.setRequestHeader(CSRF_HEADER, csrf);
    xhr.upload.onprogress = (event) =>
      options.onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : null });
    xhr.onload = () => {
      const payload = parseJson(xhr.responseText);
      if (xhr.status === 204) resolve(undefined as RouteAnswer<P, M>);
      else if (xhr.status >= 200 && xhr.status < 300) resolve(payload as RouteAnswer<P, M>);
      else reject(failure(xhr.status, payload));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'The upload did not reach the server'));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(options.file);
  });
}

export type DownloadOptions<P extends PathsWithMethod<paths, 'get'>> = ParamsOption<Operation<P, 'get'>> & {
  onProgress?: (progress: TransferProgress) => void;
  signal?: AbortSignal;
};

/**
 * Fetches a file from a GET route of the API document into memory with progress, so a refusal
 * (e.g. content that no longer matches its digest) is an ApiError shown in place rather than a
 * broken download. The file name is taken from Content-Disposition.
 */
export function apiDownload<P extends PathsWithMethod<paths, 'get'>>(
  path: P,
  ...[options]: RequiredKeysOf<DownloadOptions<P>> extends never
    ? [DownloadOptions<P>?]
    : [DownloadOptions<P>]
): Promise<{ blob: Blob; filename: string | null }> {
  const { params, onProgress, signal } = (options ?? {}) as {
    params?: RouteParams;
    onProgress?: (progress: TransferProgress) => void;
    signal?: AbortSignal;
  };
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', routeUrl(path, params));
    xhr.withCredentials = true;
    xhr.responseType = 'blob';
    xhr.onprogress = (event) =>
      onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : null });
    xhr.onload = () => {
      const blob = xhr.response as Blob;
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve({ blob, filename: filenameOf(xhr.getResponseHeader('Content-Disposition')) });
        return;
      }
      blob.text().then(
        (text) => reject(failure(xhr.status, parseJson(text))),
        () => reject(failure(xhr.status, undefined)),
      );
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'The download did not reach the server'));
    xhr.onabort = () => reject(new DOMException('The download was cancelled', 'AbortError'));
    signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send();
  });
}

/** Hands a blob to the browser as a downloaded file. */
export function saveBlob(blob: Blob, filename: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  document.body.appendChild(link);
  link.click();
  link.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function filenameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  if (encoded) {
    try {
      return decodeURIComponent(encoded.trim());
    } catch {
      // fall back to the plain name
    }
  }
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? null;
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { error: { code: 'bad_response', message: text.slice(0, 200) } };
  }
}

function failure(status: number, payload: unknown): ApiError {
  const error = toApiError(status, payload);
  if (status === 401) onUnauthenticated(error);
  return error;
}
