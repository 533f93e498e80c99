import { describe, expect, it } from 'vitest';
import { dueState } from './myTasks';

describe('my to-do deadlines', () => {
  const now = '2026-02-01T15:00:00.000Z';
  it('RB-2 PO-2 a deadline is overdue once reached, near within two hours, else later', () => {
    expect(dueState('2026-02-01T15:00:00.000Z', now)).toBe('overdue');
    expect(dueState('2026-02-01T14:59:00.000Z', now)).toBe('overdue');
    expect(dueState('2026-02-01T15:25:00.000Z', now)).toBe('near');
    expect(dueState('2026-02-01T17:00:00.000Z', now)).toBe('near');
    expect(dueState('2026-02-01T17:00:01.000Z', now)).toBe('later');
  });
});
