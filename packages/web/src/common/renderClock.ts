import { createContext, useContext } from 'react';

/**
 * Issue #18: the clock a first render reads. A page the server rendered (src/server/entry-server.tsx)
 * is hydrated in the browser seconds later on a slow phone: its countdowns must first show what the
 * server showed, or React finds different text and throws the page away, and the server's time in
 * its data was read when the page was made, not when the app woke up.
 */
export interface RenderClockValue {
  /** The time a component's first render shows (useNow sets the real time before the screen is painted). */
  firstNow: () => number;
  /** When this computer received an answer that said the server's time was `serverNow`. */
  receivedAt: (serverNow: string) => number;
}

/** A page the browser renders itself: the real time, and answers read as they arrive. */
export const LIVE_CLOCK: RenderClockValue = { firstNow: Date.now, receivedAt: () => Date.now() };

export const RenderClock = createContext<RenderClockValue>(LIVE_CLOCK);

export function useRenderClock(): RenderClockValue {
  return useContext(RenderClock);
}
