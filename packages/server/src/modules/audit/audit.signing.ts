import fs from 'node:fs';
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from 'node:crypto';
import { sm2 } from 'sm-crypto';
import { createKeyFile } from '../../storage/key-file';

/**
 * PR-3: the key that vouches for the audit trail from outside the database. Ed25519 (RFC 8032),
 * or SM2 with SM3 (GB/T 32918, GB/T 32905; default distinguishing ID 1234567812345678, DER
 * signature — `openssl dgst -sm3 -verify pub.pem -sigopt distid:1234567812345678` checks it) for
 * deployments that must use the national algorithms. Keys are standard PEM files (PKCS#8 /
 * SPKI), so `openssl genpkey -algorithm SM2` makes one too. The private key signs checkpoints of
 * the chain head and evidence manifests; anyone holding the public key can check them offline.
 */
export type SignatureAlgorithm = 'ed25519' | 'sm2';

export interface PublicKeyInfo {
  algorithm: SignatureAlgorithm;
  /** The first 16 hex digits of the SHA-256 of the public key (SPKI DER): which key signed. */
  keyId: string;
  pem: string;
}

/** The DER of the OID of the SM2 curve, 1.2.156.10197.1.301, as it appears in SPKI and PKCS#8. */
const SM2_CURVE_OID = Buffer.from('06082a811ccf5501822d', 'hex');

function algorithmOf(key: KeyObject): SignatureAlgorithm {
  if (key.asymmetricKeyType === 'ed25519') return 'ed25519';
  // Node reports an SM2 key as 'ec' when it made it, and as nothing when OpenSSL did: the curve's
  // OID in the encoded key says which it is either way.
  const der =
    key.type === 'public'
      ? key.export({ type: 'spki', format: 'der' })
      : key.export({ type: 'pkcs8', format: 'der' });
  if (der.includes(SM2_CURVE_OID)) return 'sm2';
  throw new Error(`unsupported signing key (${key.asymmetricKeyType ?? 'unknown'}): use Ed25519 or SM2`);
}

/** SM2 keys as sm-crypto takes them: the uncompressed point (04‖x‖y) and the private scalar, hex. */
function sm2PublicHex(key: KeyObject): string {
  const spki = key.export({ type: 'spki', format: 'der' });
  return spki.subarray(spki.length - 65).toString('hex');
}

function sm2PrivateHex(key: KeyObject): string {
  // ECPrivateKey (RFC 5915): version 1, then the 32-byte private key as an OCTET STRING.
  const pkcs8 = key.export({ type: 'pkcs8', format: 'der' });
  const at = pkcs8.indexOf(Buffer.from('0201010420', 'hex'));
  if (at < 0) throw new Error('the SM2 private key could not be read');
  return pkcs8.subarray(at + 5, at + 37).toString('hex');
}

/** sm-crypto reads a string as text of its own; bytes are unambiguous. */
const utf8Bytes = (message: string) => Array.from(Buffer.from(message, 'utf8'));

function describe(publicKey: KeyObject): PublicKeyInfo {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return {
    algorithm: algorithmOf(publicKey),
    keyId: createHash('sha256').update(der).digest('hex').slice(0, 16),
    pem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Signs and verifies with one key pair; the private key never leaves this object. */
export class AuditSigner {
  readonly publicKey: PublicKeyInfo;

  private readonly sm2Keys: { privateHex: string; publicHex: string } | null;

  private constructor(private readonly privateKey: KeyObject) {
    const publicKey = createPublicKey(privateKey);
    this.publicKey = describe(publicKey);
    this.sm2Keys =
      this.publicKey.algorithm === 'sm2'
        ? { privateHex: sm2PrivateHex(privateKey), publicHex: sm2PublicHex(publicKey) }
        : null;
    // The scalar and the point are read out of DER by position: prove they belong together.
    if (this.sm2Keys && !verifySignature(this.publicKey.pem, 'key check', this.sign('key check')))
      throw new Error('the SM2 key pair could not be read consistently');
  }

  /**
   * The key in `file`, or a new one of `algorithm` written there (mode 0600) when there is none:
   * a fresh install signs from its first start. `created` says whether it was made now.
   */
  static loadOrCreate(
    file: string,
    algorithm: SignatureAlgorithm,
  ): { signer: AuditSigner; created: boolean } {
    if (fs.existsSync(file)) {
      const signer = new AuditSigner(createPrivateKey(fs.readFileSync(file)));
      if (signer.publicKey.algorithm !== algorithm)
        throw new Error(
          `${file} holds an ${signer.publicKey.algorithm} key but AUDIT_SIGNATURE is ${algorithm}; set one to match the other`,
        );
      return { signer, created: false };
    }
    const { privateKey } =
      algorithm === 'ed25519'
        ? generateKeyPairSync('ed25519')
        : generateKeyPairSync('ec', { namedCurve: 'SM2' });
    // Another node sharing the directory made it first: use theirs.
    if (!createKeyFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' })))
      return AuditSigner.loadOrCreate(file, algorithm);
    return { signer: new AuditSigner(privateKey), created: true };
  }

  /** The signature of the message's UTF-8 bytes, base64 (Ed25519: 64 bytes; SM2: DER). */
  sign(message: string): string {
    if (!this.sm2Keys) return sign(null, Buffer.from(message, 'utf8'), this.privateKey).toString('base64');
    const der = sm2.doSignature(utf8Bytes(message), this.sm2Keys.privateHex, {
      hash: true,
      der: true,
      publicKey: this.sm2Keys.publicHex,
    });
    return Buffer.from(der, 'hex').toString('base64');
  }
}

/** Checks a signature with a public key alone (PEM), as an auditor does offline. */
export function verifySignature(publicKeyPem: string, message: string, signature: string): boolean {
  const key = createPublicKey(publicKeyPem);
  const sig = Buffer.from(signature, 'base64');
  try {
    if (algorithmOf(key) === 'ed25519') return verify(null, Buffer.from(message, 'utf8'), key, sig);
    return sm2.doVerifySignature(utf8Bytes(message), sig.toString('hex'), sm2PublicHex(key), {
      hash: true,
      der: true,
    });
  } catch {
    return false;
  }
}

export function publicKeyInfo(publicKeyPem: string): PublicKeyInfo {
  return describe(createPublicKey(publicKeyPem));
}
