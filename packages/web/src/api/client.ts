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

export function queryString(query: Record<string, QueryValue> | undefined): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  query?: Record<string, QueryValue>;
  body?: unknown;
  /** false for calls where "not signed in" is an answer, not a reason to leave the page. */
  redirectOn401?: boolean;
  signal?: AbortSignal;
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

export async function apiRequest<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const method = options.method ?? 'GET';
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (!SAFE_METHODS.has(method)) {
    const csrf = readCookie(CSRF_COOKIE);
    if (csrf) headers[CSRF_HEADER] = csrf;
  }
  const idempotency =
    method === 'POST' ? idempotencyKeyFor(path + queryString(options.query), options.body) : null;
  if (idempotency) headers['Idempotency-Key'] = idempotency.key;
  let response: Response;
  try {
    response = await fetch(path + queryString(options.query), {
      method,
      headers,
      credentials: 'same-origin',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      signal: options.signal,
    });
  } catch (cause) {
    if (cause instanceof DOMException && cause.name === 'AbortError') throw cause;
    throw new ApiError(0, 'network_error', cause instanceof Error ? cause.message : String(cause));
  } finally {
    idempotency?.done();
  }
  if (response.status === 204) return undefined as T;
  const payload = await readJson(response);
  if (!response.ok) {
    const error = toApiError(response.status, payload);
    if (response.status === 401 && options.redirectOn401 !== false) onUnauthenticated(error);
    throw error;
  }
  return payload as T;
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return { error: { code: 'bad_response', message: text.slice(0, 200) } };
  }
}

function toApiError(status: number, payload: unknown): ApiError {
  const error = detailsRecord(detailsRecord(payload).error);
  const code = typeof error.code === 'string' ? error.code : `http_${status}`;
  const message = typeof error.message === 'string' ? error.message : `HTTP ${status}`;
  return new ApiError(status, code, message, error.details);
}

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiError;
}

/** Bytes moved so far and the total when known: what a progress bar shows. */
export interface TransferProgress {
  loaded: number;
  total: number | null;
}

export interface UploadOptions {
  method?: 'POST' | 'PUT';
  query?: Record<string, QueryValue>;
  /** The file's bytes, sent as application/octet-stream; its name goes in X-Filename. */
  file: Blob;
  filename: string;
  onProgress?: (progress: TransferProgress) => void;
  signal?: AbortSignal;
}

/**
 * Sends a file as the raw request body (the server streams it), reporting upload progress,
 * with the same cookie, CSRF token and error handling as apiRequest. XMLHttpRequest because
 * fetch cannot report upload progress.
 */
export function apiUpload<T>(path: string, options: UploadOptions): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(options.method ?? 'POST', path + queryString(options.query));
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
      if (xhr.status === 204) resolve(undefined as T);
      else if (xhr.status >= 200 && xhr.status < 300) resolve(payload as T);
      else reject(failure(xhr.status, payload));
    };
    xhr.onerror = () => reject(new ApiError(0, 'network_error', 'The upload did not reach the server'));
    xhr.onabort = () => reject(new DOMException('The upload was cancelled', 'AbortError'));
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
    xhr.send(options.file);
  });
}

export interface DownloadOptions {
  onProgress?: (progress: TransferProgress) => void;
  signal?: AbortSignal;
}

/**
 * Fetches a file into memory with progress, so a refusal (e.g. content that no longer matches
 * its digest) is an ApiError shown in place rather than a broken download. The file name is
 * taken from Content-Disposition.
 */
export function apiDownload(
  path: string,
  options: DownloadOptions = {},
): Promise<{ blob: Blob; filename: string | null }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('GET', path);
    xhr.withCredentials = true;
    xhr.responseType = 'blob';
    xhr.onprogress = (event) =>
      options.onProgress?.({ loaded: event.loaded, total: event.lengthComputable ? event.total : null });
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
    options.signal?.addEventListener('abort', () => xhr.abort(), { once: true });
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
