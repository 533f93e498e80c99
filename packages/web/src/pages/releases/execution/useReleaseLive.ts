import { createContext, useContext, useEffect, useState } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { releasesQueryKey } from '../releases.api';
import { liveUrl } from './execution.api';

export type LiveStatus = 'connecting' | 'live' | 'offline';

/** Events close together (a batch of log lines, a step and its trigger) refresh once. */
const COALESCE_MS = 150;

/**
 * IM-3: listens to the release's Server-Sent Events and refreshes every query about releases on
 * each change, so whoever watches sees others' progress without reloading. EventSource
 * reconnects by itself; on a reconnect (a new `hello`) everything is refreshed, since events may
 * have been missed in between.
 */
export function useReleaseLive(releaseId: string): LiveStatus {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<LiveStatus>('connecting');

  useEffect(() => {
    if (typeof EventSource === 'undefined') return;
    const source = new EventSource(liveUrl(releaseId), { withCredentials: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    let greeted = false;
    const refresh = () => {
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        void queryClient.invalidateQueries({ queryKey: releasesQueryKey });
      }, COALESCE_MS);
    };
    source.addEventListener('hello', () => {
      setStatus('live');
      if (greeted) refresh();
      greeted = true;
    });
    source.addEventListener('change', refresh);
    source.onerror = () => setStatus(source.readyState === EventSource.CLOSED ? 'offline' : 'connecting');
    return () => {
      if (timer) clearTimeout(timer);
      source.close();
    };
  }, [releaseId, queryClient]);

  return status;
}

/** The live status of the release on screen, for the indicators in its tabs. */
export const LiveStatusContext = createContext<LiveStatus>('offline');

export function useLiveStatus(): LiveStatus {
  return useContext(LiveStatusContext);
}
