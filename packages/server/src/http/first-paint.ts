import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { AsyncLocalStorage } from 'node:async_hooks';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SESSION_COOKIE } from './cookies';

/**
 * Issue #18: the first paint of the pages a person acts on from a phone, rendered by the server.
 *
 * On a mid-range phone the web app needs seconds of processor time before it can draw anything;
 * a page sent already drawn is seen as soon as it arrives, and the app adopts it when it has
 * started (buttons answer from then on). The renderer is the web app itself
 * (packages/web/src/server/entry-server.tsx, built into packages/web/dist-server): the same
 * routes, components and styles, its data read through this server's own API with the visitor's
 * session, in process — every permission and refusal as for the app's own requests.
 *
 * Only where it pays and is safe: 我的待办 (`/`) and a release's page (`/releases/:id`, where the
 * rollback decision is taken), asked for as a page (Accept: text/html) by a phone, with a
 * session, by a reader of Chinese. Anything else, or a render that fails, is refused, or takes
 * longer than WEB_FIRST_PAINT_MS (1.5 s), gets index.html as before and the browser draws the page.
 */

const PAGES = [/^\/$/, /^\/releases\/(?!new$)[^/]+$/];

interface ServerTransport {
  baseUrl: string;
  fetch: typeof fetch;
}
interface FirstPaintPage {
  html: string;
  head: string;
  data: string;
}
interface RendererModule {
  createFirstPaintRenderer(
    store: AsyncLocalStorage<ServerTransport>,
  ): (url: string, transport: ServerTransport, signal: AbortSignal) => Promise<FirstPaintPage | null>;
}

/** How the pages asked of the renderer went (`releasegate_first_paints_total{outcome}`). */
export interface FirstPaintCounts {
  /** Sent drawn. */
  drawn: number;
  /** Left to the browser at once: as many renders as processors were in progress. */
  busy: number;
  /** Left to the browser: not drawn within WEB_FIRST_PAINT_MS. */
  late: number;
  /** Left to the browser: an answer was refused (no session, no such release) or a part could not be drawn. */
  declined: number;
  /** Left to the browser: the renderer failed (logged). */
  failed: number;
}

export interface FirstPaintRenderer {
  /** The page drawn for `request`, or null: the browser draws it (index.html). */
  render(request: FastifyRequest): Promise<string | null>;
  counts: Readonly<FirstPaintCounts>;
}

/** Whether `request` asks for a page whose first paint the server draws (see above). */
export function wantsFirstPaint(request: FastifyRequest): boolean {
  if (request.method !== 'GET') return false;
  const pathname = request.url.split('?')[0];
  if (!PAGES.some((page) => page.test(pathname))) return false;
  if (!String(request.headers.accept ?? '').includes('text/html')) return false;
  if (!request.cookies[SESSION_COOKIE] || request.cookies.rg_lang === 'en') return false;
  if (sessionCookies(request) !== 1) return false;
  return isPhone(request);
}

/**
 * How many session cookies the Cookie header carries. More than one means one was set for a
 * narrower path (or tossed by a sibling host): the browser sends it first to this page but not
 * to /api/..., so the renderer, reading with the page's header, would draw the page as a person
 * the app's own requests are not made as. Such a page is left to the browser.
 */
function sessionCookies(request: FastifyRequest): number {
  return String(request.headers.cookie ?? '')
    .split(';')
    .filter((pair) => pair.split('=')[0].trim() === SESSION_COOKIE).length;
}

/** A phone's browser, by its client hint or, where it sends none, its user agent. */
export function isPhone(request: FastifyRequest): boolean {
  const hint = request.headers['sec-ch-ua-mobile'];
  if (hint === '?1') return true;
  if (hint === '?0') return false;
  return /\b(Mobi|iPhone|Android.+Mobile)\b/.test(String(request.headers['user-agent'] ?? ''));
}

/**
 * Loads the renderer the web build left in `<webDist>/../dist-server`; null when there is none
 * (a build without it, or the tests' fixtures), and the pages are then always drawn by the browser.
 */
export async function loadFirstPaint(
  app: FastifyInstance,
  { webDist, template, timeoutMs }: { webDist: string; template: string; timeoutMs: number },
): Promise<FirstPaintRenderer | null> {
  const entry = path.resolve(webDist, '../dist-server/entry-server.js');
  if (!fs.existsSync(entry)) return null;
  // Loaded by its real path, as Node loads the chunks it imports: through a symlinked dist-server
  // (a deployment's `current` link; the tests' fixtures) a loader that keeps the link's path for
  // the entry would load a second copy of it beside the one the chunks already belong to — two
  // Reacts in one page, whose routers then refuse to nest.
  const module = (await import(pathToFileURL(fs.realpathSync(entry)).href)) as RendererModule;
  const render = module.createFirstPaintRenderer(new AsyncLocalStorage());
  const page = splitTemplate(template, webDist);
  // A first paint is a speed-up, never a queue: beyond one render per processor in progress, a
  // page is left to the browser at once rather than wait behind the others.
  const mostAtOnce = os.availableParallelism();
  let rendering = 0;
  const counts: FirstPaintCounts = { drawn: 0, busy: 0, late: 0, declined: 0, failed: 0 };

  const renderPage = async (request: FastifyRequest): Promise<string | null> => {
    if (rendering >= mostAtOnce) {
      counts.busy++;
      return null;
    }
    const transport: ServerTransport = {
      baseUrl: 'http://first-paint.invalid',
      fetch: (input) => readApi(app, request, input as Request),
    };
    // Too late: the render is stopped and the browser draws the page.
    const late = new AbortController();
    const timer = setTimeout(() => late.abort(), timeoutMs);
    const started = performance.now();
    rendering++;
    try {
      const drawn = await render(`http://first-paint.invalid${request.url}`, transport, late.signal);
      // Also a render that never let the timer run (SQLite answers synchronously) but took longer.
      if (late.signal.aborted || performance.now() - started > timeoutMs) {
        counts.late++;
        return null;
      }
      if (!drawn) {
        counts.declined++;
        return null;
      }
      counts.drawn++;
      return page.head + drawn.head + page.body + drawn.html + page.root + drawn.data + page.end;
    } catch (error) {
      if (late.signal.aborted) {
        counts.late++;
        return null;
      }
      counts.failed++;
      request.log.warn({ err: error }, 'first paint: the page could not be rendered; the browser draws it');
      return null;
    } finally {
      rendering--;
      clearTimeout(timer);
    }
  };
  return { render: renderPage, counts };
}

/** A GET of the renderer, answered by this server's own routes with the visitor's session. */
async function readApi(app: FastifyInstance, visitor: FastifyRequest, request: Request): Promise<Response> {
  if (request.method !== 'GET') return new Response(null, { status: 405 });
  const url = new URL(request.url);
  const answer = await app.inject({
    method: 'GET',
    url: url.pathname + url.search,
    remoteAddress: visitor.ip,
    headers: {
      cookie: String(visitor.headers.cookie ?? ''),
      accept: 'application/json',
      'accept-language': 'zh-CN',
      'user-agent': String(visitor.headers['user-agent'] ?? ''),
    },
  });
  return new Response(answer.rawPayload, {
    status: answer.statusCode,
    headers: { 'content-type': String(answer.headers['content-type'] ?? 'application/json') },
  });
}

/**
 * index.html cut where the page goes: the styles at the end of the head, the markup inside the
 * root element, the data after it. The early data requests (src/early.ts) are left out: the
 * page already carries its data. The app's own style sheet (a few KB) is written into the page,
 * so nothing stands between its arrival and its first paint.
 */
function splitTemplate(template: string, webDist: string) {
  const html = template
    .replace(/<script type="module" async[^>]*src="\/assets\/early-[^"]+"><\/script>\s*/, '')
    .replace(/<link rel="stylesheet"[^>]*href="\/(assets\/[^"]+\.css)"[^>]*>/g, (link, file: string) => {
      const sheet = path.join(webDist, file);
      return fs.existsSync(sheet) ? `<style>${fs.readFileSync(sheet, 'utf8')}</style>` : link;
    });
  const headEnd = html.indexOf('</head>');
  const rootStart = html.indexOf('<div id="root">') + '<div id="root">'.length;
  const rootEnd = html.indexOf('</div>', rootStart);
  if (headEnd < 0 || rootStart < '<div id="root">'.length || rootEnd < 0)
    throw new Error('index.html has no </head> or no <div id="root"></div>');
  return {
    head: html.slice(0, headEnd),
    body: html.slice(headEnd, rootStart),
    root: html.slice(rootStart, rootEnd + '</div>'.length),
    end: html.slice(rootEnd + '</div>'.length),
  };
}

const brotli = promisify(zlib.brotliCompress);
const gzip = promisify(zlib.gzip);

/**
 * A drawn page compressed as it is sent: brotli at a level quick enough for a page per request
 * (most of it is Ant Design's styles, which compress tenfold), else gzip, else as it is.
 */
export async function compressPage(
  page: string,
  acceptEncoding: string | undefined,
): Promise<{ encoding?: 'br' | 'gzip'; body: Buffer }> {
  const accepted = (acceptEncoding ?? '').split(',').map((e) => e.split(';')[0].trim());
  if (accepted.includes('br'))
    return {
      encoding: 'br',
      body: await brotli(page, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 5 } }),
    };
  if (accepted.includes('gzip')) return { encoding: 'gzip', body: await gzip(page, { level: 6 }) };
  return { body: Buffer.from(page) };
}
