import { describe, expect, it } from 'vitest';
import { logLevelIn } from './monitoring';

describe('log levels', () => {
  it.each([
    ['2026-11-26 18:13:05 ERROR ORA-00060: deadlock detected', 'error'],
    ['ERROR ORA-00060', 'error'],
    ['[2026-11-26T10:00:00Z] [warn] pool almost full', 'warn'],
    ['2026-11-26 10:00:00,123 [main] WARNING c.b.Pay - slow', 'warn'],
    ['info: server started on :8080', 'info'],
    ['Nov 26 10:00:00 host app[12]: FATAL out of memory', 'error'],
    ['I 2026-11-26 10:00:00 DEBUG cache warm', 'debug'],
  ])('IM-5 reads the level a line states wherever its format puts it: %s', (line, level) => {
    expect(logLevelIn(line)).toBe(level);
  });

  it.each([
    ['no error found in 3 files'],
    ['user info updated'],
    ['transfer completed in 120 ms'],
    [`${'x'.repeat(90)} ERROR late in the line`],
  ])('IM-5 prose and a level word far into the message are not a level: %s', (line) => {
    expect(logLevelIn(line)).toBeNull();
  });
});
