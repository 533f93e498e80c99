import { z } from 'zod';
import { canonicalJson } from '../modules/audit/audit.chain';
import { verifySignature, type AuditSigner, type SignatureAlgorithm } from '../modules/audit/audit.signing';

/**
 * What a backup archive holds and vouches for. The manifest is the archive's last entry, so it can
 * list the SHA-256 and size of every entry before it as they were written, without reading a
 * byte twice. It is signed with the audit signing key (PR-3): whoever edits an entry and its line
 * in the manifest still cannot make the signature match.
 */
export const MANIFEST_ENTRY = 'manifest.json';
export const FORMAT = 'releasegate.backup/1';

export const DATABASE_ENTRY = {
  sqlite: 'database/releasegate.sqlite',
  postgres: 'database/releasegate.pgdump',
} as const;

export type DatabaseKind = keyof typeof DATABASE_ENTRY;

const BLOB_PREFIX = 'blobs/';
export const blobEntry = (digest: string) => `${BLOB_PREFIX}${digest}`;

/** The digest a blob entry is named after, or null for any other name. */
export function digestOfBlobEntry(name: string): string | null {
  const digest = name.startsWith(BLOB_PREFIX) ? name.slice(BLOB_PREFIX.length) : '';
  return /^[0-9a-f]{64}$/.test(digest) ? digest : null;
}

const hex64 = z.string().regex(/^[0-9a-f]{64}$/);

const entry = z.object({
  name: z
    .string()
    .refine(
      (n) => n === DATABASE_ENTRY.sqlite || n === DATABASE_ENTRY.postgres || digestOfBlobEntry(n) !== null,
      'not an entry a backup holds',
    ),
  sha256: hex64,
  size: z.number().int().nonnegative(),
});

const manifestSchema = z.object({
  format: z.literal(FORMAT),
  createdAt: z.string(),
  createdBy: z.string(),
  database: z.object({
    kind: z.enum(['sqlite', 'postgres']),
    /** The PostgreSQL schema it was dumped from (null for SQLite). */
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]*$/)
      .nullable(),
    entry: z.string(),
  }),
  /** The audit chain's last event in the copied database: seq 0 and the genesis hash when empty. */
  auditHead: z.object({ seq: z.number().int().nonnegative(), hash: hex64 }),
  counts: z.object({ blobs: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() }),
  entries: z.array(entry),
});

export type BackupEntry = z.infer<typeof entry>;
export type BackupManifest = z.infer<typeof manifestSchema>;

export interface ManifestSignature {
  algorithm: SignatureAlgorithm;
  keyId: string;
  signature: string;
}

/** The exact text the signature covers: the manifest without its signature, canonical JSON. */
const signedText = (manifest: object) => canonicalJson(manifest);

/** The manifest entry's bytes: the manifest with its signature. */
export function signedManifestBytes(manifest: BackupManifest, signer: AuditSigner): Buffer {
  const signature: ManifestSignature = {
    algorithm: signer.publicKey.algorithm,
    keyId: signer.publicKey.keyId,
    signature: signer.sign(signedText(manifest)),
  };
  return Buffer.from(`${JSON.stringify({ ...manifest, signature }, null, 2)}\n`);
}

export type ManifestCheck =
  | { ok: true; manifest: BackupManifest; keyId: string }
  | { ok: false; problem: string; keyId: string | null };

/**
 * Reads a manifest as it came out of an archive and checks its signature with the keys the
 * restorer trusts. The signature is checked over the text as found (not over what a schema
 * kept of it), so any edit — a digest, a count, a field added — breaks it.
 */
export function checkManifest(
  bytes: Buffer,
  trustedPublicKeys: readonly { keyId: string; pem: string }[],
): ManifestCheck {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    return { ok: false, problem: `${MANIFEST_ENTRY}: not JSON`, keyId: null };
  }
  if (!raw || typeof raw !== 'object' || Array.isArray(raw))
    return { ok: false, problem: `${MANIFEST_ENTRY}: not a manifest`, keyId: null };
  const { signature, ...unsigned } = raw as { signature?: Partial<ManifestSignature> };
  const keyId = typeof signature?.keyId === 'string' ? signature.keyId : null;
  if (!keyId || typeof signature?.signature !== 'string')
    return { ok: false, problem: `${MANIFEST_ENTRY}: not signed`, keyId: null };
  const key = trustedPublicKeys.find((k) => k.keyId === keyId);
  if (!key)
    return {
      ok: false,
      problem: `${MANIFEST_ENTRY}: signed by key ${keyId}, which is not trusted (pass the key that made the backup with --public-key)`,
      keyId,
    };
  if (!verifySignature(key.pem, signedText(unsigned), signature.signature))
    return {
      ok: false,
      problem: `${MANIFEST_ENTRY}: the signature does not match: the manifest was altered`,
      keyId,
    };
  const parsed = manifestSchema.safeParse(unsigned);
  if (!parsed.success)
    return {
      ok: false,
      problem: `${MANIFEST_ENTRY}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      keyId,
    };
  return { ok: true, manifest: parsed.data, keyId };
}
