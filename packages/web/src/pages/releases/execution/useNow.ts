import { useEffect, useLayoutEffect, useState } from 'react';
import { useRenderClock } from '../../../common/renderClock';

/**
 * The time now, ticking every `intervalMs`, corrected by the server's clock: `serverNow` is the
 * server's time when the data was read, so countdowns agree with the server's deadlines even
 * when this computer's clock is off.
 */
export function useNow(intervalMs: number, serverNow?: string | null): number {
  const clock = useRenderClock();
  // The first render shows the first render's time (a server-rendered page's, while it is
  // hydrated); the real time replaces it before anything is painted.
  const [now, setNow] = useState(clock.firstNow);
  const [offset, setOffset] = useState(0);
  useLayoutEffect(() => setNow(Date.now()), []);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  useEffect(() => {
    const server = serverNow ? Date.parse(serverNow) : NaN;
    if (Number.isNaN(server) || !serverNow) return;
    const skew = server - clock.receivedAt(serverNow);
    // Only a real skew counts: the few hundred milliseconds a request takes are not one.
    setOffset(Math.abs(skew) > 2000 ? skew : 0);
  }, [serverNow, clock]);
  return now + offset;
}
