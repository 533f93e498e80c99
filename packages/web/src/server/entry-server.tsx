/**
 * Issue #18: a page's first paint, rendered on the server. Built by `vite build --ssr` into
 * packages/web/dist-server (vite.server.config.ts) and loaded by the server
 * (packages/server/src/http/first-paint.ts), which decides when to use it.
 *
 * The page is the app itself, rendered at the requested address with the visitor's data: the
 * same routes, components and styles the browser would draw. Its data is asked for the way the
 * app asks for it — its own queries, through the API with the visitor's session, in process —
 * except that here a query without its answer suspends the render until the answer is in
 * (`suspense`), so one render waits for the page's data at every depth. The page then carries
 * that data (src/firstPaint.ts), so the browser's app starts from it and adopts the page
 * instead of drawing it again.
 */
import type { ReactNode } from 'react';
import { renderToReadableStream } from 'react-dom/server';
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from 'react-router';
import { dehydrate, type QueryClient } from '@tanstack/react-query';
import { createCache, extractStyle, StyleProvider } from '@ant-design/cssinjs';
import { AppProviders, appRoutes } from '../App';
import { setServerTransport, type ServerTransport } from '../api/client';
import { FIRST_PAINT_ELEMENT_ID, type FirstPaintData } from '../firstPaint';
import { createQueryClient } from '../queryClient';
import { shownStyles } from './shownStyles';

/** The server's per-request context store (Node's AsyncLocalStorage), given by the server. */
export interface ContextStore<T> {
  run<R>(store: T, callback: () => R): R;
  getStore(): T | undefined;
}

export interface FirstPaintPage {
  /** The markup of the app's root element. */
  html: string;
  /** The styles the markup needs (Ant Design's, as `<style>` elements), for the document's head. */
  head: string;
  /** The script element carrying the data and the time the page was rendered from. */
  data: string;
}

/**
 * Prepares the renderer. `store` keeps each request's transport (where the app's requests go,
 * with whose session) across its awaits, so concurrent renders never see each other's visitor.
 */
export function createFirstPaintRenderer(store: ContextStore<ServerTransport>) {
  setServerTransport(() => store.getStore());
  /**
   * The page at `url` (absolute, on the server's own origin) as the visitor of `transport` sees
   * it, or null when it cannot be rendered faithfully: an answer was refused or did not come (a signed-
   * out visitor, a release they may not see) or a part of the page could not be drawn here.
   */
  return function renderFirstPaint(
    url: string,
    transport: ServerTransport,
    signal: AbortSignal,
  ): Promise<FirstPaintPage | null> {
    return store.run(transport, () => render(url, signal));
  };
}

/** The app's query client, whose queries wait for their answers while the page renders. */
function suspendingQueryClient(): QueryClient {
  const queryClient = createQueryClient();
  const defaultQueryOptions = queryClient.defaultQueryOptions.bind(queryClient);
  queryClient.defaultQueryOptions = (options) => {
    const defaulted = defaultQueryOptions(options);
    // A query the page leaves off (`enabled: false`) stays off, as in the browser.
    return { ...defaulted, retry: false, suspense: defaulted.enabled !== false };
  };
  return queryClient;
}

/**
 * Ant Design's styles, computed once per page and kept (issue #18): working out each component's
 * CSS from the theme was half of a page's render. A page's styles are those of every component
 * it has shown to anyone (an alert shown once to one visitor stays in its styles), which differ
 * from one visitor's by a few KB at most and never by what they show. A page is its address
 * without the ids (`/releases/:`) and its tab; at most `KEPT_PAGES` are kept, so made-up tabs
 * cannot grow the cache.
 */
interface PageStyles {
  cache: ReturnType<typeof createCache>;
  /** The cache's styles as style elements, and how many entries the cache had then. */
  extracted: string;
  extractedFrom: number;
}
const stylesByPage = new Map<string, PageStyles>();
const KEPT_PAGES = 16;

function stylesOf(url: string): PageStyles {
  const { pathname, searchParams } = new URL(url);
  const page = `${pathname.replace(/^(\/[^/]*)\/.*$/, '$1/:')}?${searchParams.get('tab') ?? ''}`;
  let styles = stylesByPage.get(page);
  if (!styles) {
    styles = { cache: createCache(), extracted: '', extractedFrom: -1 };
    if (stylesByPage.size < KEPT_PAGES) stylesByPage.set(page, styles);
  }
  return styles;
}

/**
 * The page's style elements, written again only when a render added a style. Besides saving the
 * work, this keeps a page's head the same from one drawing to the next: Ant Design orders styles
 * of equal precedence by when a render last touched them, which depends on the order the page's
 * answers arrived in. Nothing is ever taken out of a page's cache here (a style leaves it only
 * when a component unmounts, which a server render never does), so an unchanged count of entries
 * means unchanged styles.
 */
function extractedStyles(styles: PageStyles): string {
  if (styles.extractedFrom !== styles.cache.cache.size) {
    styles.extracted = extractStyle(styles.cache);
    styles.extractedFrom = styles.cache.cache.size;
  }
  return styles.extracted;
}

async function render(url: string, signal: AbortSignal): Promise<FirstPaintPage | null> {
  const queryClient = suspendingQueryClient();
  const now = Date.now();
  const handler = createStaticHandler(appRoutes);
  const context = await handler.query(new Request(url));
  if (context instanceof Response) return null;
  const styles = stylesOf(url);
  let failed = false;
  const refused = () =>
    queryClient.getQueryCache().findAll({ predicate: (q) => q.state.status === 'error' }).length > 0;
  let html: string;
  try {
    html = await renderWhole(
      <StyleProvider cache={styles.cache}>
        <AppProviders queryClient={queryClient} clock={{ firstNow: () => now, receivedAt: () => now }}>
          <StaticRouterProvider
            router={createStaticRouter(handler.dataRoutes, context)}
            context={context}
            hydrate={false}
          />
        </AppProviders>
      </StyleProvider>,
      () => void (failed = true),
      signal,
    );
  } catch (error) {
    // An answer the whole page stands on was refused (the session, most often): not drawn here.
    if (refused()) return null;
    throw error;
  }
  if (failed || refused()) return null;
  const data: FirstPaintData = { now, queries: dehydrate(queryClient) };
  return { html, head: shownStyles(extractedStyles(styles), html), data: dataElement(data) };
}

/**
 * The markup once every part of the page is in (`onAllReady`): each part is then written in its
 * place, with none of the inline scripts React uses to move late parts into place, which the
 * Content-Security-Policy (no inline script) would block.
 */
async function renderWhole(
  element: ReactNode,
  onError: (error: unknown) => void,
  signal: AbortSignal,
): Promise<string> {
  const stream = await renderToReadableStream(element, {
    onError,
    signal,
    // No part is ever sent apart from its place (React would otherwise move a large part into
    // place with an inline script).
    progressiveChunkSize: Number.MAX_SAFE_INTEGER,
  });
  await stream.allReady;
  return new Response(stream).text();
}

/**
 * The data as a JSON script element. Every `<` is written as \u003c, so no text in the data (a
 * release titled `</script><script>…`) can end the element or start another.
 */
function dataElement(data: FirstPaintData): string {
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return `<script type="application/json" id="${FIRST_PAINT_ELEMENT_ID}">${json}</script>`;
}
