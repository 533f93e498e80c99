import { useEffect, useState } from 'react';

/**
 * The time now, ticking every `intervalMs`, corrected by the server's clock: `serverNow` is the
 * server's time when the data was read, so countdowns agree with the server's deadlines even
 * when this computer's clock is off.
 */
export function useNow(intervalMs: number, serverNow?: string | null): number {
  const [now, setNow] = useState(() => Date.now());
  const [offset, setOffset] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  useEffect(() => {
    const server = serverNow ? Date.parse(serverNow) : NaN;
    // Only a real skew counts: the few hundred milliseconds a request takes are not one.
    if (!Number.isNaN(server)) setOffset(Math.abs(server - Date.now()) > 2000 ? server - Date.now() : 0);
  }, [serverNow]);
  return now + offset;
}
