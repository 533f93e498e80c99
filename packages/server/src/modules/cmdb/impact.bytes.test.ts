import { describe, expect, it } from 'vitest';
import { ByteArena } from './impact.bytes';

describe('byte arena (impact answers)', () => {
  it('CM-2 writes text as UTF-8, copies pieces within itself and keeps its bytes when it grows', () => {
    const arena = new ByteArena(16);
    const end = arena.write('网上银行 "A"', 0);
    expect(end).toBe(Buffer.byteLength('网上银行 "A"'));
    arena.copy(end, 0, end); // the text again, right after itself
    expect(arena.slice(0, 2 * end).toString('utf8')).toBe('网上银行 "A"网上银行 "A"');
    const before = arena.size;
    arena.reserve(before + 1);
    expect(arena.size).toBeGreaterThanOrEqual(2 * before);
    expect(arena.slice(0, end).toString('utf8')).toBe('网上银行 "A"');
    arena.copy(2, 0, end); // overlapping: a memmove
    expect(arena.slice(2, 2 + end).toString('utf8')).toBe('网上银行 "A"');
    // A slice is a copy: later writes to the arena do not change it.
    const kept = arena.slice(2, 2 + end);
    arena.write('x'.repeat(end + 2), 0);
    expect(kept.toString('utf8')).toBe('网上银行 "A"');
  });
});
