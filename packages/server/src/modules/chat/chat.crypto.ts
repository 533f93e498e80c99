import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * X-2 (issue 17): how each vendor signs and seals the card callbacks it sends, from the vendors'
 * published documents (docs/notifications.md says which were checked against which document).
 * Pure functions: the routes give them the raw request, they answer what it says or why not.
 */

/** Equal strings, compared in constant time (a signature must not leak by timing). */
export function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

// ---------------------------------------------------------------------------------------------
// Feishu (飞书): 将回调发送至开发者服务器, with an Encrypt Key.

/**
 * Feishu's request signature: hex SHA-256 of X-Lark-Request-Timestamp + X-Lark-Request-Nonce +
 * the Encrypt Key + the raw body, compared with X-Lark-Signature.
 */
export const feishuSignature = (timestamp: string, nonce: string, encryptKey: string, rawBody: string) =>
  createHash('sha256')
    .update(`${timestamp}${nonce}${encryptKey}`, 'utf8')
    .update(rawBody, 'utf8')
    .digest('hex');

const feishuKey = (encryptKey: string) => createHash('sha256').update(encryptKey, 'utf8').digest();

/** Feishu's `encrypt` field: base64 of a 16-byte IV and AES-256-CBC (key SHA-256 of the Encrypt Key). */
export function feishuDecrypt(encryptKey: string, encrypted: string): string {
  const bytes = Buffer.from(encrypted, 'base64');
  if (bytes.length < 32 || bytes.length % 16 !== 0) throw new Error('not a Feishu ciphertext');
  const decipher = createDecipheriv('aes-256-cbc', feishuKey(encryptKey), bytes.subarray(0, 16));
  return Buffer.concat([decipher.update(bytes.subarray(16)), decipher.final()]).toString('utf8');
}

/** The inverse of feishuDecrypt, as Feishu seals a callback (the tests play Feishu with it). */
export function feishuEncrypt(encryptKey: string, plain: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', feishuKey(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

// ---------------------------------------------------------------------------------------------
// WeCom (企业微信) and DingTalk (钉钉) HTTP callbacks share one scheme (WXBizMsgCrypt).

/** msg_signature: hex SHA-1 of the token, timestamp, nonce and ciphertext, sorted and joined. */
export const sealedSignature = (token: string, timestamp: string, nonce: string, encrypted: string) =>
  createHash('sha1').update([token, timestamp, nonce, encrypted].sort().join(''), 'utf8').digest('hex');

// The EncodingAESKey is 43 base64 characters: with "=" it decodes to the 32-byte AES key, whose
// first 16 bytes are the IV. The plaintext is padded (PKCS#7) to a multiple of 32 bytes.
const BLOCK = 32;
const sealedKey = (aesKey: string) => {
  const key = Buffer.from(`${aesKey}=`, 'base64');
  if (key.length !== 32) throw new Error('the EncodingAESKey does not decode to 32 bytes');
  return key;
};

/**
 * The message inside a sealed callback: 16 random bytes, the message's length (4 bytes, network
 * order), the message, and the receiver id (corp id, or DingTalk's owner key), which must be
 * `receiverId` — a message sealed for another organisation is refused.
 */
export function sealedDecrypt(aesKey: string, receiverId: string, encrypted: string): string {
  const key = sealedKey(aesKey);
  const bytes = Buffer.from(encrypted, 'base64');
  if (bytes.length === 0 || bytes.length % BLOCK !== 0) throw new Error('not a sealed message');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const padded = Buffer.concat([decipher.update(bytes), decipher.final()]);
  const pad = padded[padded.length - 1];
  if (pad < 1 || pad > BLOCK || padded.subarray(padded.length - pad).some((b) => b !== pad))
    throw new Error('bad padding');
  const plain = padded.subarray(0, padded.length - pad);
  if (plain.length < 20) throw new Error('too short');
  const length = plain.readUInt32BE(16);
  if (20 + length > plain.length) throw new Error('bad length');
  const receiver = plain.subarray(20 + length).toString('utf8');
  if (!sameText(receiver, receiverId)) throw new Error('sealed for another receiver');
  return plain.subarray(20, 20 + length).toString('utf8');
}

/** The inverse of sealedDecrypt: DingTalk's encrypted answer, and the tests playing the vendor. */
export function sealedEncrypt(aesKey: string, receiverId: string, message: string): string {
  const key = sealedKey(aesKey);
  const body = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const plain = Buffer.concat([randomBytes(16), length, body, Buffer.from(receiverId, 'utf8')]);
  const pad = BLOCK - (plain.length % BLOCK);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([
    cipher.update(Buffer.concat([plain, Buffer.alloc(pad, pad)])),
    cipher.final(),
  ]).toString('base64');
}
