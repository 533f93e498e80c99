import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

describe('configuration', () => {
  it('defaults: SQLite under DATA_DIR, port 3000, 30-minute idle and 12-hour absolute sessions, 5 failures lock 15 minutes', () => {
    const c = loadConfig({ DATA_DIR: '/srv/rg' });
    expect(c.database).toEqual({ kind: 'sqlite', file: '/srv/rg/releasegate.db' });
    expect(c.port).toBe(3000);
    expect(c.session).toEqual({ idleMinutes: 30, absoluteHours: 12, cacheMs: 1000 });
    expect(c.lockout).toEqual({ threshold: 5, minutes: 15 });
    expect(c.audit).toEqual({
      hash: 'sha256',
      signingKeyFile: '/srv/rg/keys/audit-signing-key.pem',
      signature: 'ed25519',
      checkpointDir: '/srv/rg/audit-checkpoints',
      checkpointMinutes: 60,
      tsa: null,
    });
    expect(c.secretsKeyFile).toBe('/srv/rg/keys/secrets.key');
    expect(c.publicUrl).toBe('http://localhost:3000');
  });

  it('is frozen, deeply', () => {
    const c = loadConfig({});
    expect(Object.isFrozen(c)).toBe(true);
    expect(Object.isFrozen(c.session)).toBe(true);
    expect(() => {
      (c.session as { idleMinutes: number }).idleMinutes = 999;
    }).toThrow();
  });

  it('X-4 METRICS_TOKEN: unset turns /metrics off; one shorter than 16 characters is refused', () => {
    expect(loadConfig({}).metrics).toEqual({ token: undefined });
    expect(loadConfig({ METRICS_TOKEN: 'a-long-enough-token' }).metrics).toEqual({
      token: 'a-long-enough-token',
    });
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(
      /METRICS_TOKEN must have at least 16 characters/,
    );
  });

  it('X-4 HTTP timeouts: headers 30 s, JSON body 30 s, whole request 600 s, idle 120 s by default; a headers timeout past the request timeout is refused', () => {
    expect(loadConfig({}).http).toEqual({
      headersTimeoutMs: 30_000,
      bodyTimeoutMs: 30_000,
      requestTimeoutMs: 600_000,
      idleTimeoutMs: 120_000,
    });
    expect(
      loadConfig({ HTTP_BODY_TIMEOUT_SECONDS: '5', HTTP_REQUEST_TIMEOUT_SECONDS: '3600' }).http,
    ).toMatchObject({ bodyTimeoutMs: 5_000, requestTimeoutMs: 3_600_000 });
    expect(() => loadConfig({ HTTP_IDLE_TIMEOUT_SECONDS: '0' })).toThrow(/HTTP_IDLE_TIMEOUT_SECONDS must be/);
    // Decision 0028: sessions are kept a second at most, whatever the operator asks.
    expect(() => loadConfig({ AUTH_CACHE_MS: '5000' })).toThrow(
      /AUTH_CACHE_MS must be a whole number from 0 to 1000/,
    );
    expect(loadConfig({ AUTH_CACHE_MS: '0' }).session.cacheMs).toBe(0);
    expect(() =>
      loadConfig({ HTTP_HEADERS_TIMEOUT_SECONDS: '120', HTTP_REQUEST_TIMEOUT_SECONDS: '60' }),
    ).toThrow(/HTTP_HEADERS_TIMEOUT_SECONDS must not be longer than HTTP_REQUEST_TIMEOUT_SECONDS/);
  });

  it('CM-5 CMDB import limits: 20 MB file, 100 MB unzipped, 50 000 rows by default', () => {
    expect(loadConfig({}).cmdbImport).toEqual({
      maxBytes: 20 * 1048576,
      maxUnzippedBytes: 100 * 1048576,
      maxRows: 50_000,
    });
    expect(loadConfig({ CMDB_IMPORT_MAX_ROWS: '10' }).cmdbImport.maxRows).toBe(10);
    expect(() => loadConfig({ CMDB_IMPORT_MAX_UNZIPPED_MB: '0' })).toThrow(
      /CMDB_IMPORT_MAX_UNZIPPED_MB must be/,
    );
  });

  it('reports every bad variable at once', () => {
    let error: unknown;
    try {
      loadConfig({
        PORT: 'eighty',
        LOG_LEVEL: 'loud',
        DATABASE_URL: 'mysql://x',
        PUBLIC_URL: 'not a url',
        AUDIT_HASH: 'md5',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems.join('\n');
    for (const name of ['PORT', 'LOG_LEVEL', 'DATABASE_URL', 'PUBLIC_URL', 'AUDIT_HASH'])
      expect(problems).toContain(name);
    expect((error as ConfigError).problems).toHaveLength(5);
  });

  it('PostgreSQL from DATABASE_URL, with an optional schema', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@db:5432/rg?schema=release' }).database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@db:5432/rg',
      schema: 'release',
    });
  });
});
