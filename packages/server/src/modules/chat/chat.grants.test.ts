import { afterEach, describe, expect, it, vi } from 'vitest';
import { ChatGrants } from './chat.grants';

const grant = {
  userId: 'u1',
  channel: { vendor: 'feishu' as const, vendorUserId: 'ou_1', callbackId: 'ev-1' },
  sourceIp: null,
  requestId: 'r1',
};

describe('X-2 X-4 chat grants', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('X-2 X-4 a grant acts once: taken again, or guessed, or past its ten seconds, it names no one', () => {
    const grants = new ChatGrants();
    const id = grants.issue(grant);
    expect(grants.take(id)).toEqual(grant);
    expect(grants.take(id)).toBeUndefined();
    expect(grants.take('')).toBeUndefined();
    vi.useFakeTimers();
    try {
      const late = grants.issue(grant);
      vi.advanceTimersByTime(10_001);
      expect(grants.take(late)).toBeUndefined();
    } finally {
      // The worker runs other files after this one (isolate: false): they need the real clock.
      vi.useRealTimers();
    }
  });
});
