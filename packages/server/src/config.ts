import path from 'node:path';
import { z } from 'zod';
import { parseOutboundAllow, type OutboundAllowList } from './outbound/outbound-policy';
import { directoryEnv, directorySettings, type DirectorySettings } from './config.directory';
import { chatEnv, chatSettings, type ChatSettings } from './config.chat';
import { storageEnv, storageSettings, type BlobStoreSettings } from './config.storage';

/**
 * The environment, parsed once into a frozen typed object. Nothing else reads process.env.
 * Every bad variable is reported at once, so an operator fixes them in one go.
 */
const intFrom = (name: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return fallback;
      const n = Number(v);
      if (!Number.isInteger(n) || n < min || n > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be a whole number from ${min} to ${max}` });
        return z.NEVER;
      }
      return n;
    });

/**
 * `system1=secret1,system2=secret2`: the HMAC secret of each external change system that may
 * call the change webhook (IN-2). Every bad entry is reported; a secret is never echoed.
 */
const webhookSecrets = (name: string) =>
  z
    .string()
    .optional()
    .transform((v, ctx) => {
      const secrets: Record<string, string> = {};
      const problem = (message: string) => ctx.addIssue({ code: 'custom', message: `${name} ${message}` });
      (v ?? '').split(',').forEach((entry, i) => {
        if (entry.trim() === '') return;
        const at = entry.indexOf('=');
        const system = at < 0 ? '' : entry.slice(0, at).trim();
        const secret = at < 0 ? '' : entry.slice(at + 1).trim();
        // Entries are named by position, never by content: a malformed one may be a bare secret.
        if (!/^[a-z0-9][a-z0-9_-]{0,39}$/.test(system))
          problem(
            `entry ${i + 1} is not system=secret (a system name is lower-case letters, digits, - and _)`,
          );
        else if (Object.hasOwn(secrets, system)) problem(`lists ${system} twice`);
        else if (secret.length < 16) problem(`needs a secret of at least 16 characters for ${system}`);
        else secrets[system] = secret;
      });
      return secrets;
    });

/**
 * X-4: `127.0.0.1/32,10.1.0.0/16,hooks.internal.example,*.corp.example`: the internal networks and
 * host names that user-given URLs (webhooks) may reach. Empty: public addresses only.
 */
const outboundAllow = z
  .string()
  .optional()
  .transform((v, ctx) => {
    const { allow, problems } = parseOutboundAllow(v);
    for (const p of problems) ctx.addIssue({ code: 'custom', message: p });
    return allow;
  });

const envSchema = z.object({
  PORT: intFrom('PORT', 3000, 0, 65535),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^(postgres(ql)?|sqlite):/.test(v), {
      message: 'DATABASE_URL must start with postgres://, postgresql:// or sqlite:',
    }),
  DATABASE_MIGRATION_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^postgres(ql)?:/.test(v), {
      message: 'DATABASE_MIGRATION_URL must start with postgres:// (the owner of the schema)',
    }),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PUBLIC_URL: z
    .url({ message: 'PUBLIC_URL must be an absolute URL such as https://release.example.com' })
    .optional(),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  SESSION_IDLE_MINUTES: intFrom('SESSION_IDLE_MINUTES', 30, 1, 24 * 60),
  SESSION_ABSOLUTE_HOURS: intFrom('SESSION_ABSOLUTE_HOURS', 12, 1, 24 * 7),
  AUTH_CACHE_MS: intFrom('AUTH_CACHE_MS', 1000, 0, 1000),
  LOCKOUT_THRESHOLD: intFrom('LOCKOUT_THRESHOLD', 5, 1, 100),
  LOCKOUT_MINUTES: intFrom('LOCKOUT_MINUTES', 15, 1, 24 * 60),
  PASSWORD_PROFILE: z.enum(['standard', 'strict']).default('standard'),
  PASSWORD_MAX_AGE_DAYS: intFrom('PASSWORD_MAX_AGE_DAYS', 90, 1, 3650),
  AUDIT_HASH: z.enum(['sha256', 'sm3']).default('sha256'),
  AUDIT_SIGNING_KEY: z.string().optional(),
  AUDIT_SIGNATURE: z
    .enum(['ed25519', 'sm2'], { error: 'AUDIT_SIGNATURE must be ed25519 or sm2' })
    .default('ed25519'),
  AUDIT_CHECKPOINT_DIR: z.string().optional(),
  SECRETS_KEY_FILE: z.string().optional(),
  AUDIT_CHECKPOINT_MINUTES: intFrom('AUDIT_CHECKPOINT_MINUTES', 60, 1, 24 * 60),
  // X-2: the hour (Beijing time) of the daily digest e-mail; "off" sends none.
  NOTIFY_DIGEST_HOUR: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined || v === '') return 18;
      if (v === 'off') return null;
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0 || n > 23) {
        ctx.addIssue({ code: 'custom', message: 'NOTIFY_DIGEST_HOUR must be an hour from 0 to 23, or off' });
        return z.NEVER;
      }
      return n;
    }),
  // PR-3: an RFC 3161 time-stamping authority for checkpoints, and the roots it chains to.
  AUDIT_TSA_URL: z
    .url({ message: 'AUDIT_TSA_URL must be an absolute http(s) URL of an RFC 3161 time-stamping authority' })
    .refine((v) => /^https?:\/\//.test(v), {
      message: 'AUDIT_TSA_URL must be an absolute http(s) URL of an RFC 3161 time-stamping authority',
    })
    .optional(),
  AUDIT_TSA_CA_FILE: z.string().optional(),
  AUDIT_TSA_POLICY: z
    .string()
    .regex(/^[0-2](\.(0|[1-9][0-9]*))+$/, {
      message: 'AUDIT_TSA_POLICY must be an object identifier such as 1.2.3.4',
    })
    .optional(),
  DSL_MAX_UPLOAD_MB: intFrom('DSL_MAX_UPLOAD_MB', 2048, 1, 1024 * 1024),
  WEB_DIST_DIR: z.string().optional(),
  WEB_FIRST_PAINT_MS: intFrom('WEB_FIRST_PAINT_MS', 1500, 0, 10_000),
  CHANGE_WEBHOOK_SECRETS: webhookSecrets('CHANGE_WEBHOOK_SECRETS'),
  /** PL-4, CL-2: a CJK font for PDF documents (.ttf/.otf, or .ttc#PostScriptName); unset: searched. */
  PDF_FONT_PATH: z.string().optional(),
  JOBS_ENABLED: z.enum(['true', 'false']).default('true'),
  JOBS_POLL_MS: intFrom('JOBS_POLL_MS', 5000, 10, 3_600_000),
  // Test-only job kinds (the two-node job test); never set in production.
  RELEASEGATE_TEST_JOB_KINDS: z.enum(['0', '1']).default('0'),
  SMTP_URL: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || /^smtps?:\/\//.test(v), {
      message: 'SMTP_URL must start with smtp:// or smtps://',
    }),
  SMTP_FROM: z.string().optional(),
  PROMETHEUS_URL: z
    .url({ message: 'PROMETHEUS_URL must be an absolute URL such as http://prometheus:9090' })
    .optional(),
  MONITORING_POLL_SECONDS: intFrom('MONITORING_POLL_SECONDS', 60, 5, 3600),
  // X-4, IN-2: requests a minute, per the key each rule counts by (http/rate-limits.ts).
  RATE_LIMIT_SIGN_IN: intFrom('RATE_LIMIT_SIGN_IN', 10, 1, 100_000),
  RATE_LIMIT_SIGN_IN_ADDRESS: intFrom('RATE_LIMIT_SIGN_IN_ADDRESS', 60, 1, 100_000),
  RATE_LIMIT_SETUP: intFrom('RATE_LIMIT_SETUP', 10, 1, 100_000),
  RATE_LIMIT_TOKEN_CREATE: intFrom('RATE_LIMIT_TOKEN_CREATE', 10, 1, 100_000),
  RATE_LIMIT_CHANGE_WEBHOOK: intFrom('RATE_LIMIT_CHANGE_WEBHOOK', 120, 1, 100_000),
  RATE_LIMIT_CHAT_CALLBACK: intFrom('RATE_LIMIT_CHAT_CALLBACK', 300, 1, 100_000),
  /** /metrics tells request counts, routes and process details: only to who holds this token. */
  METRICS_TOKEN: z
    .string()
    .optional()
    .refine((v) => v === undefined || v === '' || v.length >= 16, {
      message: 'METRICS_TOKEN must have at least 16 characters',
    }),
  OUTBOUND_ALLOW: outboundAllow,
  // How long a client may take (http/timeouts.ts): a slow or stalled one must not hold a connection.
  HTTP_HEADERS_TIMEOUT_SECONDS: intFrom('HTTP_HEADERS_TIMEOUT_SECONDS', 30, 1, 3600),
  HTTP_BODY_TIMEOUT_SECONDS: intFrom('HTTP_BODY_TIMEOUT_SECONDS', 30, 1, 3600),
  HTTP_REQUEST_TIMEOUT_SECONDS: intFrom('HTTP_REQUEST_TIMEOUT_SECONDS', 600, 1, 24 * 3600),
  HTTP_IDLE_TIMEOUT_SECONDS: intFrom('HTTP_IDLE_TIMEOUT_SECONDS', 120, 1, 24 * 3600),
  // CM-5: what one CMDB import may hold (transfer/import-limits.ts).
  CMDB_IMPORT_MAX_MB: intFrom('CMDB_IMPORT_MAX_MB', 20, 1, 1024),
  CMDB_IMPORT_MAX_UNZIPPED_MB: intFrom('CMDB_IMPORT_MAX_UNZIPPED_MB', 100, 1, 10 * 1024),
  CMDB_IMPORT_MAX_ROWS: intFrom('CMDB_IMPORT_MAX_ROWS', 50_000, 1, 10_000_000),
  ...directoryEnv,
  ...storageEnv,
  ...chatEnv,
});

export interface Config {
  readonly port: number;
  readonly host: string;
  readonly dataDir: string;
  readonly database:
    | { readonly kind: 'sqlite'; readonly file: string }
    | {
        readonly kind: 'postgres';
        readonly url: string;
        readonly schema?: string;
        /**
         * The schema owner's connection, for migrations only; the server itself then runs as the
         * role of `url`, which owns nothing (it cannot truncate, alter or drop). Absent: one role.
         */
        readonly migrationUrl?: string;
      };
  readonly logLevel: z.infer<typeof envSchema>['LOG_LEVEL'];
  readonly publicUrl: string;
  readonly trustProxy: boolean;
  readonly session: {
    readonly idleMinutes: number;
    readonly absoluteHours: number;
    /** Decision 0028: how long a checked session or token is kept in the process (0: never). */
    readonly cacheMs: number;
  };
  readonly lockout: { readonly threshold: number; readonly minutes: number };
  readonly password: { readonly profile: 'standard' | 'strict'; readonly maxAgeDays: number };
  readonly audit: {
    readonly hash: 'sha256' | 'sm3';
    /**
     * PR-3: the private key (PEM) that signs checkpoints of the chain head and evidence
     * manifests; Ed25519, or SM2 (with SM3). Generated here on first start when it does not exist.
     */
    readonly signingKeyFile: string;
    readonly signature: 'ed25519' | 'sm2';
    /** Where signed checkpoints are appended: a place the database's owner cannot rewrite. */
    readonly checkpointDir: string;
    readonly checkpointMinutes: number;
    /**
     * An RFC 3161 time-stamping authority that time-stamps every checkpoint, the PEM file of the
     * certificates its signing certificate must chain to, and the policy to ask for.
     */
    readonly tsa: { readonly url: string; readonly caFile: string; readonly policy?: string } | null;
  };
  /** DS-3: `blobDir` is the local store's directory; `store` says which store holds content. */
  readonly dsl: {
    readonly maxUploadBytes: number;
    readonly blobDir: string;
    readonly store: BlobStoreSettings;
  };
  readonly webDistDir: string | undefined;
  /** Issue #18 (decision 0030): how long a phone's first paint may take to draw; 0: never drawn. */
  readonly webFirstPaintMs: number;
  readonly changes: { readonly webhookSecrets: Readonly<Record<string, string>> };
  /** PL-4, CL-2: the CJK font PDFs embed; undefined: system fonts, then the bundled npm font. */
  readonly documents: { readonly pdfFontPath: string | undefined };
  /** The job runner (deadlines, deliveries): whether this node polls, and how often. */
  readonly jobs: { readonly enabled: boolean; readonly pollMs: number; readonly testKinds: boolean };
  /** E-mail notifications (X-2): none are sent without an SMTP URL. */
  readonly smtp: { readonly url: string | undefined; readonly from: string };
  /** X-2: the hour (Beijing time) the daily digest e-mail goes out; null: no digest. */
  readonly digestHour: number | null;
  /** IM-4: where plan indicators with a query are read, and how often while a release runs. */
  readonly monitoring: { readonly prometheusUrl: string | null; readonly pollSeconds: number };
  /** Requests a minute: sign-ins per address and user name, and per address; setup checks per
   * address; tokens created per user; change webhook calls per system and address. */
  readonly rateLimits: {
    readonly signIn: number;
    readonly signInAddress: number;
    readonly setup: number;
    readonly tokenCreate: number;
    readonly changeWebhook: number;
    /** X-2: card callbacks a minute from one address (the vendors call from a few addresses). */
    readonly chatCallback: number;
  };
  /** /metrics answers only `Authorization: Bearer <token>`; without a token it is off (404). */
  readonly metrics: { readonly token: string | undefined };
  /**
   * X-4: what URLs a user gives (webhooks) may reach beyond public addresses. PROMETHEUS_URL and
   * SMTP_URL are the operator's own configuration and are not subject to it.
   */
  readonly outbound: { readonly allow: OutboundAllowList };
  /** X-4: the AES-256 key (32 bytes, base64) that seals stored secrets; created on first start. */
  readonly secretsKeyFile: string;
  /** How long a client may take to send its headers, a JSON body, a whole request; how long a
   * connection may sit idle (http/timeouts.ts). */
  readonly http: {
    readonly headersTimeoutMs: number;
    readonly bodyTimeoutMs: number;
    readonly requestTimeoutMs: number;
    readonly idleTimeoutMs: number;
  };
  /** CM-5: the largest import file, its largest unzipped content (XLSX), its most rows. */
  readonly cmdbImport: {
    readonly maxBytes: number;
    readonly maxUnzippedBytes: number;
    readonly maxRows: number;
  };
  /** X-4 / RO-1: LDAP, OIDC, and what they change for local accounts (config.directory.ts). */
  readonly directory: DirectorySettings;
  /** X-2: the chat apps whose card callbacks are accepted (config.chat.ts). */
  readonly chat: ChatSettings;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || 'environment'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  // Node refuses a headers timeout longer than the request timeout; say so in the operator's terms.
  if (e.HTTP_HEADERS_TIMEOUT_SECONDS > e.HTTP_REQUEST_TIMEOUT_SECONDS)
    throw new ConfigError([
      'HTTP_HEADERS_TIMEOUT_SECONDS must not be longer than HTTP_REQUEST_TIMEOUT_SECONDS',
    ]);
  // A token whose authority is not checked against a root proves nothing: name the roots.
  if (e.AUDIT_TSA_URL && !e.AUDIT_TSA_CA_FILE)
    throw new ConfigError([
      'AUDIT_TSA_CA_FILE: AUDIT_TSA_URL needs the PEM file of the certificates the authority chains to',
    ]);
  const directory = directorySettings(e);
  if (directory.problems.length > 0) throw new ConfigError(directory.problems);
  const chat = chatSettings(e);
  if (chat.problems.length > 0) throw new ConfigError(chat.problems);
  const storage = storageSettings(e);
  if (storage.problems.length > 0) throw new ConfigError(storage.problems);
  const dataDir = path.resolve(e.DATA_DIR);
  const url = e.DATABASE_URL ?? '';
  const database: Config['database'] = url.startsWith('postgres')
    ? {
        ...postgresTarget(url),
        ...(e.DATABASE_MIGRATION_URL && { migrationUrl: withoutSchemaParameter(e.DATABASE_MIGRATION_URL) }),
      }
    : {
        kind: 'sqlite',
        file: url.startsWith('sqlite:')
          ? path.resolve(url.slice('sqlite:'.length))
          : path.join(dataDir, 'releasegate.db'),
      };
  const config: Config = {
    port: e.PORT,
    host: e.HOST,
    dataDir,
    database,
    logLevel: e.LOG_LEVEL,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    trustProxy: e.TRUST_PROXY === 'true',
    session: {
      idleMinutes: e.SESSION_IDLE_MINUTES,
      absoluteHours: e.SESSION_ABSOLUTE_HOURS,
      cacheMs: e.AUTH_CACHE_MS,
    },
    lockout: { threshold: e.LOCKOUT_THRESHOLD, minutes: e.LOCKOUT_MINUTES },
    password: { profile: e.PASSWORD_PROFILE, maxAgeDays: e.PASSWORD_MAX_AGE_DAYS },
    audit: {
      hash: e.AUDIT_HASH,
      signingKeyFile: path.resolve(
        e.AUDIT_SIGNING_KEY ?? path.join(dataDir, 'keys', 'audit-signing-key.pem'),
      ),
      signature: e.AUDIT_SIGNATURE,
      checkpointDir: path.resolve(e.AUDIT_CHECKPOINT_DIR ?? path.join(dataDir, 'audit-checkpoints')),
      checkpointMinutes: e.AUDIT_CHECKPOINT_MINUTES,
      tsa: e.AUDIT_TSA_URL
        ? {
            url: e.AUDIT_TSA_URL,
            caFile: path.resolve(e.AUDIT_TSA_CA_FILE!),
            ...(e.AUDIT_TSA_POLICY && { policy: e.AUDIT_TSA_POLICY }),
          }
        : null,
    },
    dsl: {
      maxUploadBytes: e.DSL_MAX_UPLOAD_MB * 1024 * 1024,
      blobDir: path.join(dataDir, 'blobs'),
      store: storage.settings,
    },
    webDistDir: e.WEB_DIST_DIR,
    webFirstPaintMs: e.WEB_FIRST_PAINT_MS,
    changes: { webhookSecrets: e.CHANGE_WEBHOOK_SECRETS },
    documents: { pdfFontPath: e.PDF_FONT_PATH || undefined },
    jobs: {
      enabled: e.JOBS_ENABLED === 'true',
      pollMs: e.JOBS_POLL_MS,
      testKinds: e.RELEASEGATE_TEST_JOB_KINDS === '1',
    },
    smtp: { url: e.SMTP_URL || undefined, from: e.SMTP_FROM || 'ReleaseGate <releasegate@localhost>' },
    digestHour: e.NOTIFY_DIGEST_HOUR,
    monitoring: { prometheusUrl: e.PROMETHEUS_URL ?? null, pollSeconds: e.MONITORING_POLL_SECONDS },
    rateLimits: {
      signIn: e.RATE_LIMIT_SIGN_IN,
      signInAddress: e.RATE_LIMIT_SIGN_IN_ADDRESS,
      setup: e.RATE_LIMIT_SETUP,
      tokenCreate: e.RATE_LIMIT_TOKEN_CREATE,
      chatCallback: e.RATE_LIMIT_CHAT_CALLBACK,
      changeWebhook: e.RATE_LIMIT_CHANGE_WEBHOOK,
    },
    metrics: { token: e.METRICS_TOKEN || undefined },
    outbound: { allow: e.OUTBOUND_ALLOW },
    secretsKeyFile: path.resolve(e.SECRETS_KEY_FILE ?? path.join(dataDir, 'keys', 'secrets.key')),
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_SECONDS * 1000,
      bodyTimeoutMs: e.HTTP_BODY_TIMEOUT_SECONDS * 1000,
      requestTimeoutMs: e.HTTP_REQUEST_TIMEOUT_SECONDS * 1000,
      idleTimeoutMs: e.HTTP_IDLE_TIMEOUT_SECONDS * 1000,
    },
    cmdbImport: {
      maxBytes: e.CMDB_IMPORT_MAX_MB * 1024 * 1024,
      maxUnzippedBytes: e.CMDB_IMPORT_MAX_UNZIPPED_MB * 1024 * 1024,
      maxRows: e.CMDB_IMPORT_MAX_ROWS,
    },
    directory: directory.settings,
    chat: chat.settings,
  };
  return deepFreeze(config);
}

/** `?schema=name` selects a schema (search_path); PostgreSQL itself does not know the parameter. */
function postgresTarget(url: string): Config['database'] {
  const schema = new URL(url).searchParams.get('schema') ?? undefined;
  return { kind: 'postgres', url: withoutSchemaParameter(url), ...(schema && { schema }) };
}

function withoutSchemaParameter(url: string): string {
  const parsed = new URL(url);
  parsed.searchParams.delete('schema');
  return parsed.toString();
}

function deepFreeze<T extends object>(value: T): T {
  for (const v of Object.values(value)) if (v && typeof v === 'object') deepFreeze(v as object);
  return Object.freeze(value);
}
