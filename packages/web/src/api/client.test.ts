import { describe, expect, it } from 'vitest';
import { idempotencyKeyFor } from './client';

describe('the Idempotency-Key the web client sends', () => {
  it('X-4 IN-1 a double click sends the same key; another request, or the same one later, a new key', () => {
    const at = 1_000_000;
    const first = idempotencyKeyFor('/api/changes', { title: '扩容' }, at);
    expect(first).toMatch(/^[0-9a-f]{32}$/);
    expect(idempotencyKeyFor('/api/changes', { title: '扩容' }, at + 300)).toBe(first);
    expect(idempotencyKeyFor('/api/changes', { title: '另一个' }, at + 300)).not.toBe(first);
    expect(idempotencyKeyFor('/api/releases', { title: '扩容' }, at + 300)).not.toBe(first);
    expect(idempotencyKeyFor('/api/changes', { title: '扩容' }, at + 10_000)).not.toBe(first);
  });
});
