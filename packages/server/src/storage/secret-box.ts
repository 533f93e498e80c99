import fs from 'node:fs';
import { createKeyFile } from './key-file';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'enc:v1:';

/**
 * secrets the application must use again (robot tokens in webhook URLs, signing secrets)
 * are stored encrypted with AES-256-GCM under a key from the configuration, never in clear: a
 * copy of the database — a backup, a dump, a read-only replica — does not give them away.
 * `enc:v1:<key id>:<base64 of iv ‖ tag ‖ ciphertext>`; a value without the prefix is a row
 * written before encryption and is read as it is (and sealed on the next write).
 */
export class SecretBox {
  readonly keyId: string;

  private constructor(private readonly key: Buffer) {
    this.keyId = createHash('sha256').update(key).digest('hex').slice(0, 8);
  }

  /** The key in `file` (32 random bytes, base64), or a new one written there (mode 0600). */
  static loadOrCreate(file: string): SecretBox {
    if (fs.existsSync(file)) {
      const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64');
      if (key.length !== 32) throw new Error(`${file} does not hold a 256-bit key (32 bytes, base64)`);
      return new SecretBox(key);
    }
    const key = randomBytes(32);
    // Another node sharing the directory made it first: use theirs.
    if (!createKeyFile(file, `${key.toString('base64')}\n`)) return SecretBox.loadOrCreate(file);
    return new SecretBox(key);
  }

  static isSealed(value: string): boolean {
    return value.startsWith(PREFIX);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return `${PREFIX}${this.keyId}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64')}`;
  }

  open(stored: string): string {
    if (!SecretBox.isSealed(stored)) return stored;
    const [keyId, data] = stored.slice(PREFIX.length).split(':');
    if (keyId !== this.keyId)
      throw new Error(`a secret was sealed with key ${keyId}, not with the configured key ${this.keyId}`);
    const bytes = Buffer.from(data, 'base64');
    const decipher = createDecipheriv('aes-256-gcm', this.key, bytes.subarray(0, 12));
    decipher.setAuthTag(bytes.subarray(12, 28));
    return Buffer.concat([decipher.update(bytes.subarray(28)), decipher.final()]).toString('utf8');
  }
}
