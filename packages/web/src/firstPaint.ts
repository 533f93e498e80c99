import { hydrate, type DehydratedState, type QueryClient } from '@tanstack/react-query';
import type { RenderClockValue } from './common/renderClock';

/**
 * Issue #18: a page whose first paint the server rendered (src/server/entry-server.tsx) carries
 * the data it was rendered from, and the server's time then, in a JSON script element (not run,
 * so the Content-Security-Policy needs no exception). The app starts from exactly that data, so
 * its first render matches the page and React adopts the page instead of drawing it again.
 */
export const FIRST_PAINT_ELEMENT_ID = 'releasegate-first-paint';

export interface FirstPaintData {
  /** The server's time when it rendered the page (ms since the epoch). */
  now: number;
  /** TanStack Query's dehydrated cache: the answers the page was rendered from. */
  queries: DehydratedState;
}

/** The data of a server-rendered page, taken out of the document; null for a page the browser renders. */
export function takeFirstPaint(): FirstPaintData | null {
  const element = document.getElementById(FIRST_PAINT_ELEMENT_ID);
  if (!element) return null;
  element.remove();
  try {
    const data = JSON.parse(element.textContent ?? '') as FirstPaintData;
    return typeof data.now === 'number' && data.queries ? data : null;
  } catch {
    return null;
  }
}

/** When the page arrived, by this computer's clock. */
function pageArrivedAt(): number {
  const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
  return performance.timeOrigin + (navigation?.responseStart ?? 0);
}

/**
 * Fills `queryClient` with the page's data, as answers received when the page arrived, and gives
 * the clock its first render must read: the server's render time (what the page shows), and for
 * an answer from the page, the page's arrival as the moment it was received (so a clock skew is
 * measured against it, not against the moment the app woke up seconds later).
 */
export function adoptFirstPaint(data: FirstPaintData, queryClient: QueryClient): RenderClockValue {
  const arrivedAt = pageArrivedAt();
  hydrate(queryClient, {
    ...data.queries,
    queries: data.queries.queries.map((q) => ({ ...q, state: { ...q.state, dataUpdatedAt: arrivedAt } })),
  });
  return {
    firstNow: () => data.now,
    receivedAt: (serverNow) => (Date.parse(serverNow) <= data.now ? arrivedAt : Date.now()),
  };
}
