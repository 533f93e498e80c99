import { describe, expect, it } from 'vitest';
import { IdentityCache } from './identity.cache';

// The cache's own rules, apart from the database signals (identity.cache.http.test.ts has those).
function cacheWithClock(trusted = () => true) {
  let now = 0;
  const cache = new IdentityCache({ check: () => trusted(), close: async () => {} }, 1000, 3, () => now);
  return { cache, tick: (ms: number) => (now += ms) };
}

describe('X-4 the identity cache (decision 0028)', () => {
  it('X-4 keeps an entry for at most the time given, whatever it is told', async () => {
    const { cache, tick } = cacheWithClock();
    let reads = 0;
    const load = async () => ({ n: ++reads }) as never;
    expect((await cache.session('s', load)).kept).toBe(false);
    tick(999);
    expect(await cache.session('s', load)).toMatchObject({ kept: true, value: { n: 1 } });
    tick(1);
    expect(await cache.session('s', load)).toMatchObject({ kept: false, value: { n: 2 } });
  });

  it('X-4 a read that began before a change is not kept after it (no stale entry outlives the signal)', async () => {
    const { cache } = cacheWithClock();
    let release!: () => void;
    let started!: () => void;
    const slow = new Promise<void>((resolve) => (release = resolve));
    const begun = new Promise<void>((resolve) => (started = resolve));
    const reading = cache.session('s', async () => {
      started();
      await slow;
      return { old: true } as never;
    });
    await begun;
    cache.clear(); // the signal of a change arrives while the read is under way
    release();
    await reading;
    let reads = 0;
    expect((await cache.session('s', async () => ({ n: ++reads }) as never)).kept).toBe(false);
    expect(reads).toBe(1);
  });

  it('X-4 never keeps what it could not find, nor anything while it is not trusted; holds a bounded number', async () => {
    let trusted = false;
    const { cache } = cacheWithClock(() => trusted);
    await cache.session('s', async () => ({}) as never);
    expect((await cache.session('s', async () => ({}) as never)).kept).toBe(false);
    expect(cache.counts.bypassed).toBe(2);
    trusted = true;
    await cache.session('unknown', async () => undefined);
    expect((await cache.session('unknown', async () => undefined)).kept).toBe(false);
    for (const key of ['a', 'b', 'c', 'd']) await cache.session(key, async () => ({}) as never);
    expect((await cache.session('a', async () => ({}) as never)).kept).toBe(false); // the oldest went
    expect((await cache.session('d', async () => ({}) as never)).kept).toBe(true);
  });
});
