import { z } from 'zod';

/**
 * DS-3: where the blob store keeps content — the local data directory (the default, one node), or
 * an S3-compatible bucket that several nodes on one database share. Part of config.ts's one schema
 * (so every bad variable is still reported at once); the secret key is only ever read from here.
 */
export const storageEnv = {
  BLOB_STORE: z.enum(['local', 's3'], { error: 'BLOB_STORE must be local or s3' }).default('local'),
  /** Empty: AWS itself (the region's endpoint). MinIO, Ceph RGW, OSS, COS, OBS: their URL. */
  S3_ENDPOINT: z
    .url({
      message: 'S3_ENDPOINT must be an absolute http(s) URL such as https://oss-cn-hangzhou.aliyuncs.com',
    })
    .refine((v) => /^https?:\/\//.test(v), {
      message: 'S3_ENDPOINT must be an absolute http(s) URL such as https://oss-cn-hangzhou.aliyuncs.com',
    })
    .optional(),
  S3_REGION: z.string().optional(),
  S3_BUCKET: z.string().optional(),
  S3_PREFIX: z
    .string()
    .optional()
    .refine((v) => v === undefined || !v.startsWith('/'), {
      message: 'S3_PREFIX must not start with / (e.g. releasegate/)',
    }),
  S3_ACCESS_KEY_ID: z.string().optional(),
  S3_SECRET_ACCESS_KEY: z.string().optional(),
  S3_FORCE_PATH_STYLE: z
    .enum(['true', 'false', ''], { error: 'S3_FORCE_PATH_STYLE must be true or false' })
    .optional(),
};

type StorageEnv = z.infer<z.ZodObject<typeof storageEnv>> & { DSL_MAX_UPLOAD_MB: number };

export interface S3Settings {
  readonly endpoint: string | undefined;
  readonly region: string;
  readonly bucket: string;
  /** '' or ending in '/': content is under `<prefix>sha256/`, uploads under `<prefix>tmp/`. */
  readonly prefix: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key` (MinIO, Ceph RGW). */
  readonly forcePathStyle: boolean;
  /** Absent: the SDK's default chain (AWS_* variables, a profile, an instance role). */
  readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string } | undefined;
}

export type BlobStoreSettings = { readonly kind: 'local' } | ({ readonly kind: 's3' } & S3Settings);

/** S3 copies one object of at most 5 GiB in one request: the S3 store's largest blob. */
export const S3_MAX_OBJECT_MB = 5 * 1024;

/** The blob store part of the configuration, and the problems of a half-configured one. */
export function storageSettings(e: StorageEnv): { settings: BlobStoreSettings; problems: string[] } {
  if (e.BLOB_STORE === 'local') return { settings: { kind: 'local' }, problems: [] };
  const problems: string[] = [];
  if (!e.S3_BUCKET) problems.push('S3_BUCKET: BLOB_STORE=s3 needs the bucket name');
  if (!e.S3_ACCESS_KEY_ID !== !e.S3_SECRET_ACCESS_KEY)
    problems.push(
      `${e.S3_ACCESS_KEY_ID ? 'S3_SECRET_ACCESS_KEY' : 'S3_ACCESS_KEY_ID'}: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY go together`,
    );
  if (e.DSL_MAX_UPLOAD_MB > S3_MAX_OBJECT_MB)
    problems.push(
      `DSL_MAX_UPLOAD_MB: at most ${S3_MAX_OBJECT_MB} with BLOB_STORE=s3 (the largest object S3 copies in one request)`,
    );
  const prefix = e.S3_PREFIX ?? '';
  return {
    settings: {
      kind: 's3',
      endpoint: e.S3_ENDPOINT,
      // Most S3-compatible services ignore the region but the signature needs one.
      region: e.S3_REGION || 'us-east-1',
      bucket: e.S3_BUCKET ?? '',
      prefix: prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`,
      forcePathStyle: e.S3_FORCE_PATH_STYLE === 'true',
      credentials:
        e.S3_ACCESS_KEY_ID && e.S3_SECRET_ACCESS_KEY
          ? { accessKeyId: e.S3_ACCESS_KEY_ID, secretAccessKey: e.S3_SECRET_ACCESS_KEY }
          : undefined,
    },
    problems,
  };
}
