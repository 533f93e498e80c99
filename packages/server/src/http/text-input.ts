import { FIELDS, RULES, fieldProblem, type FieldCode, type Reason } from '@releasegate/messages';
import { isUtf8 } from 'node:buffer';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { refusal, type DomainError } from '@releasegate/domain';

/**
 * text the server receives is stored and shown as it was sent, or refused. PostgreSQL text
 * cannot hold NUL (U+0000) — a NUL reached the database as a 500 on one dialect and was stored on
 * the other — and text that is not Unicode (bytes that are not UTF-8, a lone UTF-16 surrogate
 * from a JSON `\ud800` escape) is silently turned into U+FFFD by the drivers, so what is stored
 * would not be what was sent (PR-3). Both are refused at the edge with a 400 naming the field.
 *
 * Why one preValidation hook and not a refinement on each zod string: the hook sees every part of
 * every request whatever its schema says — record keys (`attributes`), `z.unknown()` values,
 * query parameters a route does not declare, decoded headers — and a route added tomorrow is
 * covered without remembering anything. It runs after authentication (authorize first) and
 * before the route's own validation, so a request with bad text never reaches a handler.
 */
export const VALID_TEXT_RULE = RULES.x4_valid_text;

export type TextProblem = 'nul_character' | 'lone_surrogate';

/** In `u` mode a well-formed pair is one code point, so the category matches only lone surrogates. */
const LONE_SURROGATE = /\p{Cs}/u;

/** Each problem's field code in the catalog (its English is `fields.<code>`). */
export const TEXT_PROBLEMS: Record<TextProblem | 'invalid_utf8' | 'invalid_percent_encoding', FieldCode> = {
  nul_character: FIELDS.nul_character,
  lone_surrogate: FIELDS.lone_surrogate,
  invalid_utf8: FIELDS.invalid_utf8,
  invalid_percent_encoding: FIELDS.percent_encoding,
};

export function textProblem(text: string): TextProblem | null {
  if (text.includes('\u0000')) return 'nul_character';
  return LONE_SURROGATE.test(text) ? 'lone_surrogate' : null;
}

/**
 * The fields of a parsed JSON value (keys and values, at any depth) whose text is bad, as dotted
 * paths like the validation errors' (`steps.0.title`). Walked with an explicit stack: a body of
 * deeply nested arrays must not overflow the call stack (a RangeError would be a 500).
 */
export function badTextFields(value: unknown, prefix = ''): Map<string, TextProblem> {
  const found = new Map<string, TextProblem>();
  const stack: [unknown, string][] = [[value, prefix]];
  while (stack.length > 0) {
    const [current, path] = stack.pop()!;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) found.set(path || '_', problem);
    } else if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push([current[i], join(path, String(i))]);
    } else if (current !== null && typeof current === 'object' && isPlain(current)) {
      for (const [key, v] of Object.entries(current).reverse()) {
        const keyProblem = textProblem(key);
        // The key itself is bad: name it by its position, with the bad character made visible.
        if (keyProblem) found.set(join(path, JSON.stringify(key).slice(1, -1)), keyProblem);
        else stack.push([v, join(path, key)]);
      }
    }
  }
  return found;
}

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Parsed JSON and query objects; never a stream (uploads) or any other class instance. */
function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The 400 of this rule: one message naming every bad field, and `details.fields` for forms. */
export function invalidTextError(
  where: 'body' | 'querystring' | 'params' | 'headers' | 'url',
  fields: Map<string, TextProblem | 'invalid_utf8' | 'invalid_percent_encoding'>,
): DomainError {
  const entries = [...fields];
  const problems = entries.map(([field, problem]): Reason => ({
    code: 'field_problems',
    params: { field, problems: [fieldProblem(TEXT_PROBLEMS[problem])] },
  }));
  return refusal(
    'invalid_input',
    'x4_valid_text',
    { code: 'invalid_text', params: { where, fields: problems } },
    {
      reason: entries[0][1],
      fields: Object.fromEntries(entries.map(([field, problem]) => [field, [TEXT_PROBLEMS[problem]]])),
    },
  );
}

/** Headers whose (percent-decoded) value is stored: the file name of an upload. */
export const STORED_TEXT_HEADERS = ['x-filename'] as const;

/**
 * A percent-encoded header value (X-Filename: `%E5%8F%91%E5%B8%83.zip`) decoded, or the problem
 * with it. Node already refuses raw control characters in headers; decoding is what can make one.
 */
export function decodeHeaderText(
  value: string,
): { text: string } | { problem: TextProblem | 'invalid_percent_encoding' } {
  let text: string;
  try {
    text = decodeURIComponent(value);
  } catch {
    return { problem: 'invalid_percent_encoding' };
  }
  const problem = textProblem(text);
  return problem ? { problem } : { text };
}

/**
 * The query string's names and values, checked on the raw URL: the query parser keeps a sequence
 * that is not UTF-8 (`%FF`) as its literal text, so only here can it be told from one sent on purpose.
 */
function badQueryFields(url: string): Map<string, 'invalid_percent_encoding' | TextProblem> {
  const found = new Map<string, 'invalid_percent_encoding' | TextProblem>();
  const at = url.indexOf('?');
  if (at < 0) return found;
  for (const pair of url.slice(at + 1).split('&')) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const [rawName, rawValue] = eq < 0 ? [pair, ''] : [pair.slice(0, eq), pair.slice(eq + 1)];
    const name = decodeHeaderText(rawName.replace(/\+/g, ' '));
    const value = decodeHeaderText(rawValue.replace(/\+/g, ' '));
    const field = 'text' in name ? name.text : rawName;
    if ('problem' in name) found.set(field, name.problem);
    else if ('problem' in value) found.set(field, value.problem);
  }
  return found;
}

/** Node reads the request line as Latin-1: a raw byte above 0x7E there was not sent as text. */
const NON_ASCII_URL = /[^\x20-\x7e]/;

function checkRequest(request: FastifyRequest): DomainError | null {
  const url = request.raw.url ?? '';
  if (NON_ASCII_URL.test(url)) return invalidTextError('url', new Map([['url', 'invalid_percent_encoding']]));
  const query = badQueryFields(url);
  if (query.size > 0) return invalidTextError('querystring', query);
  // The router's parameter object is of its own class: copied to a plain one to be walked.
  const params = badTextFields({ ...(request.params as object) });
  if (params.size > 0) return invalidTextError('params', params);
  const headers = new Map<string, TextProblem | 'invalid_percent_encoding'>();
  for (const name of STORED_TEXT_HEADERS) {
    const value = request.headers[name];
    if (typeof value !== 'string') continue;
    const decoded = decodeHeaderText(value);
    if ('problem' in decoded) headers.set(name, decoded.problem);
  }
  if (headers.size > 0) return invalidTextError('headers', headers);
  // A string body is the change webhook's raw text: it is checked after its signature, once parsed.
  if (request.body !== null && typeof request.body === 'object') {
    const body = badTextFields(request.body);
    if (body.size > 0) return invalidTextError('body', body);
  }
  return null;
}

/**
 * JSON bodies as Fastify parses them (prototype poisoning refused), after their bytes are checked
 * to be UTF-8: Fastify's own parser decodes bad bytes to U+FFFD without a word. The bad field is
 * named where the decoded text shows it; otherwise the body as a whole (`_`).
 */
function registerJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (request, body: Buffer, done) => {
    const text = body.toString('utf8');
    if (isUtf8(body)) return parseJson(request, text, done);
    let fields = new Map<string, 'invalid_utf8'>([['_', 'invalid_utf8']]);
    try {
      const replaced = [...badReplacementFields(JSON.parse(text))];
      if (replaced.length > 0) fields = new Map(replaced.map((f) => [f, 'invalid_utf8']));
    } catch {
      // Not JSON either; the body as a whole is named.
    }
    done(invalidTextError('body', fields), undefined);
  });
}

/** Fields whose decoded text holds U+FFFD, where the decoder put the bytes it could not read. */
function* badReplacementFields(value: unknown, path = ''): Generator<string> {
  const stack: [unknown, string][] = [[value, path]];
  while (stack.length > 0) {
    const [current, at] = stack.pop()!;
    if (typeof current === 'string') {
      if (current.includes('\uFFFD')) yield at || '_';
    } else if (current !== null && typeof current === 'object') {
      for (const [key, v] of Object.entries(current)) stack.push([v, join(at, key)]);
    }
  }
}

export function registerTextInputGuard(app: FastifyInstance): void {
  registerJsonParser(app);
  app.addHook('preValidation', (request, _reply, done) => {
    const error = checkRequest(request);
    if (error) done(error);
    else done();
  });
}
