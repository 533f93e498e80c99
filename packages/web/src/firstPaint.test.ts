import { describe, expect, it } from 'vitest';
import { QueryClient, dehydrate } from '@tanstack/react-query';
import { adoptFirstPaint } from './firstPaint';

describe('a page the server drew, adopted by the app (issue #18)', () => {
  const serverNow = Date.parse('2026-12-07T08:00:00.000Z');

  function drawnWith(data: unknown) {
    const server = new QueryClient();
    server.setQueryData(['releases', 'r1', 'rollback'], data);
    return { now: serverNow, queries: dehydrate(server) };
  }

  it('RB-2 the app starts from the data the page was drawn from, as answers received when the page arrived', () => {
    const queryClient = new QueryClient();
    adoptFirstPaint(drawnWith({ now: '2026-12-07T08:00:00.000Z', triggers: [] }), queryClient);
    const state = queryClient.getQueryState(['releases', 'r1', 'rollback']);
    expect(state?.data).toEqual({ now: '2026-12-07T08:00:00.000Z', triggers: [] });
    // Not the server's clock: the page's arrival by this computer's.
    expect(state?.dataUpdatedAt).toBe(performance.timeOrigin);
  });

  it('RB-2 the first render shows the server’s render time; a clock skew is measured against the page’s arrival, not against when the app woke up', () => {
    const clock = adoptFirstPaint(drawnWith({}), new QueryClient());
    expect(clock.firstNow()).toBe(serverNow);
    // The server's time in the page's own data: received when the page arrived.
    expect(clock.receivedAt('2026-12-07T07:59:59.500Z')).toBe(performance.timeOrigin);
    // A later answer (the app asked again): received now.
    const before = Date.now();
    const later = clock.receivedAt('2026-12-07T08:00:05.000Z');
    expect(later).toBeGreaterThanOrEqual(before);
    expect(later).toBeLessThanOrEqual(Date.now());
  });
});
