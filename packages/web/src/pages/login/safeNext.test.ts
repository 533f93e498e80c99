import { describe, expect, it } from 'vitest';
import { safeNext } from './safeNext';

describe('the path followed after sign-in', () => {
  it('X-4 RB-2 a deep link of this site is followed, with its query', () => {
    expect(safeNext('/releases/5b1f?tab=rollback')).toBe('/releases/5b1f?tab=rollback');
    expect(safeNext('/changes/9')).toBe('/changes/9');
  });

  it('X-4 another host, a backslash, a control character, the sign-in page or nothing lead home', () => {
    for (const next of [
      null,
      '',
      'https://evil.example/x',
      '//evil.example/x',
      '/\\evil.example/x',
      '/releases\\..\\x',
      '/releases/1\u0000',
      '/releases/1\r\nSet-Cookie: a=b',
      '/login?next=/x',
      'releases/1',
    ])
      expect(safeNext(next), JSON.stringify(next)).toBe('/');
  });
});
