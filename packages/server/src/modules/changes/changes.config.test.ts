import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../config';

describe('CHANGE_WEBHOOK_SECRETS', () => {
  it('IN-2 parses system=secret pairs into config.changes.webhookSecrets (none by default)', () => {
    expect(loadConfig({}).changes.webhookSecrets).toEqual({});
    const c = loadConfig({
      CHANGE_WEBHOOK_SECRETS: ' itsm=0123456789abcdef , service-now=s3cret=with=equals!! ,',
    });
    expect(c.changes.webhookSecrets).toEqual({
      itsm: '0123456789abcdef',
      'service-now': 's3cret=with=equals!!',
    });
    expect(Object.isFrozen(c.changes.webhookSecrets)).toBe(true);
  });

  it('reports every bad entry with the other bad variables, never echoing a secret', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        CHANGE_WEBHOOK_SECRETS:
          'itsm=short,bare-secret-value-0123456789,Bad=0123456789abcdef,ok=0123456789abcdef,ok=0123456789abcdef',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toHaveLength(5);
    expect(problems.filter((p) => p.startsWith('CHANGE_WEBHOOK_SECRETS'))).toEqual([
      expect.stringContaining('at least 16 characters for itsm'),
      expect.stringContaining('entry 2 is not system=secret'),
      expect.stringContaining('entry 3 is not system=secret'),
      expect.stringContaining('lists ok twice'),
    ]);
    expect(problems.join('\n')).not.toMatch(/short|bare-secret|0123456789abcdef/);
  });
});
