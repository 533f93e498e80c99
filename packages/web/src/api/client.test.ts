import { describe, expect, it } from 'vitest';
import { idempotencyKeyFor } from './client';

describe('the Idempotency-Key the web client sends', () => {
  it('X-4 IN-1 a double click (the same POST while the first is on its way) shares one key; once answered, the same POST is a new intent', () => {
    const first = idempotencyKeyFor('/api/changes', { title: '扩容' });
    expect(first.key).toMatch(/^[0-9a-f]{32}$/);
    const second = idempotencyKeyFor('/api/changes', { title: '扩容' });
    expect(second.key).toBe(first.key);
    expect(idempotencyKeyFor('/api/changes', { title: '另一个' }).key).not.toBe(first.key);
    expect(idempotencyKeyFor('/api/releases', { title: '扩容' }).key).not.toBe(first.key);
    first.done();
    second.done();
    expect(idempotencyKeyFor('/api/changes', { title: '扩容' }).key).not.toBe(first.key);
  });
});
