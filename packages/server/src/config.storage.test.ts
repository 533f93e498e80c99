import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
};

describe('blob store configuration', () => {
  it('DS-3 the local directory by default; BLOB_STORE=s3 with endpoint, region, prefix, path-style and keys', () => {
    expect(loadConfig({ DATA_DIR: '/srv/rg' }).dsl).toEqual({
      maxUploadBytes: 2048 * 1024 * 1024,
      blobDir: '/srv/rg/blobs',
      store: { kind: 'local' },
    });
    expect(
      loadConfig({
        BLOB_STORE: 's3',
        S3_ENDPOINT: 'http://minio.internal:9000',
        S3_BUCKET: 'releasegate',
        S3_PREFIX: 'prod',
        S3_ACCESS_KEY_ID: 'AKID',
        S3_SECRET_ACCESS_KEY: 'secret',
        S3_FORCE_PATH_STYLE: 'true',
      }).dsl.store,
    ).toEqual({
      kind: 's3',
      endpoint: 'http://minio.internal:9000',
      region: 'us-east-1',
      bucket: 'releasegate',
      prefix: 'prod/',
      forcePathStyle: true,
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
    });
    // AWS itself: no endpoint, virtual-host style, the SDK's own credentials chain.
    expect(loadConfig({ BLOB_STORE: 's3', S3_BUCKET: 'b', S3_REGION: 'cn-north-1' }).dsl.store).toEqual({
      kind: 's3',
      endpoint: undefined,
      region: 'cn-north-1',
      bucket: 'b',
      prefix: '',
      forcePathStyle: false,
      credentials: undefined,
    });
  });

  it('DS-3 a half-configured S3 store is refused, naming each variable', () => {
    expect(() => loadConfig({ BLOB_STORE: 's3' })).toThrow(ConfigError);
    expect(problemsOf({ BLOB_STORE: 's3' })).toEqual(['S3_BUCKET: BLOB_STORE=s3 needs the bucket name']);
    expect(problemsOf({ BLOB_STORE: 's3', S3_BUCKET: 'b', S3_ACCESS_KEY_ID: 'AKID' })).toEqual([
      'S3_SECRET_ACCESS_KEY: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together',
    ]);
    expect(problemsOf({ BLOB_STORE: 's3', S3_BUCKET: 'b', DSL_MAX_UPLOAD_MB: '6000' })).toEqual([
      'DSL_MAX_UPLOAD_MB: at most 5120 with BLOB_STORE=s3 (the largest object S3 copies in one request)',
    ]);
    expect(problemsOf({ BLOB_STORE: 'nfs' })).toEqual(['BLOB_STORE: BLOB_STORE must be local or s3']);
    const bad = problemsOf({
      BLOB_STORE: 's3',
      S3_ENDPOINT: 'minio:9000',
      S3_PREFIX: '/abs',
      S3_FORCE_PATH_STYLE: 'yes',
    });
    expect(bad).toEqual([
      expect.stringMatching(/^S3_ENDPOINT: S3_ENDPOINT must be an absolute http\(s\) URL/),
      'S3_PREFIX: S3_PREFIX must not start with / (e.g. releasegate/)',
      'S3_FORCE_PATH_STYLE: S3_FORCE_PATH_STYLE must be true or false',
    ]);
    // The secret is never echoed.
    const secret = problemsOf({ BLOB_STORE: 's3', S3_SECRET_ACCESS_KEY: 'do-not-print-me' });
    expect(secret.join('\n')).not.toContain('do-not-print-me');
  });
});
