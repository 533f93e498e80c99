import fs from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import * as asn1js from 'asn1js';
import * as pkijs from 'pkijs';

/**
 * PR-3: RFC 3161 time-stamps for audit checkpoints. Our own key says "the chain had this head";
 * a time-stamping authority the operator names (a national TSA, the enterprise's own) adds, with
 * its key, "and that statement existed at this time". Whoever later holds our key (a thief, an
 * insider) can sign any statement with any date, but cannot obtain a token dated in the past.
 */
export interface TimeStamp {
  /** The TimeStampToken (a CMS ContentInfo), DER, base64. */
  token: string;
  /** The time the authority vouches for (TSTInfo genTime), ISO 8601. */
  genTime: string;
  /** The token's serial number, hex: what the authority's own records know it by. */
  serial: string;
  /** Who signed: the subject of the authority's signing certificate. */
  authority: string;
}

export interface TimeStampCheck {
  ok: boolean;
  genTime: string | null;
  /** Whether the authority's certificate was checked against a trust anchor (AUDIT_TSA_CA_FILE). */
  trusted: boolean;
  message: string;
}

const SHA256_OID = '2.16.840.1.101.3.4.2.1';
const SIGNED_DATA_OID = '1.2.840.113549.1.7.2';
const TST_INFO_OID = '1.2.840.113549.1.9.16.1.4';

function arrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function hex(bytes: ArrayBuffer | Uint8Array): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('hex');
}

/** The certificates of a PEM bundle: the roots a TSA's signing certificate must chain to. */
export function certificatesFromPem(pem: string): pkijs.Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('no certificate (-----BEGIN CERTIFICATE-----) in the file');
  return blocks.map((block) => {
    const der = Buffer.from(block.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64');
    return pkijs.Certificate.fromBER(arrayBuffer(der));
  });
}

function subjectOf(certificate: pkijs.Certificate): string {
  const names: Record<string, string> = {
    '2.5.4.3': 'CN',
    '2.5.4.10': 'O',
    '2.5.4.11': 'OU',
    '2.5.4.6': 'C',
  };
  return certificate.subject.typesAndValues
    .filter((tv) => names[tv.type])
    .map((tv) => `${names[tv.type]}=${String(tv.value.valueBlock.value)}`)
    .join(', ');
}

interface ParsedToken {
  signedData: pkijs.SignedData;
  tstInfo: pkijs.TSTInfo;
}

function parseToken(der: ArrayBuffer): ParsedToken {
  const contentInfo = pkijs.ContentInfo.fromBER(der);
  if (contentInfo.contentType !== SIGNED_DATA_OID) throw new Error('the token is not CMS signed data');
  const signedData = new pkijs.SignedData({ schema: contentInfo.content });
  if (signedData.encapContentInfo.eContentType !== TST_INFO_OID || !signedData.encapContentInfo.eContent)
    throw new Error('the token does not carry a TSTInfo');
  const tstInfo = pkijs.TSTInfo.fromBER(signedData.encapContentInfo.eContent.getValue());
  return { signedData, tstInfo };
}

/** The certificate that signed the token, among those it carries (IssuerAndSerialNumber). */
function signerCertificate(signedData: pkijs.SignedData): pkijs.Certificate | undefined {
  const sid: unknown = signedData.signerInfos[0]?.sid;
  if (!(sid instanceof pkijs.IssuerAndSerialNumber)) return undefined;
  return (signedData.certificates ?? []).find(
    (c): c is pkijs.Certificate =>
      c instanceof pkijs.Certificate &&
      c.issuer.isEqual(sid.issuer) &&
      c.serialNumber.isEqual(sid.serialNumber),
  );
}

function signerSubject(signedData: pkijs.SignedData): string {
  const certificate = signerCertificate(signedData);
  return certificate ? subjectOf(certificate) : 'unknown';
}

/**
 * Checks a token against the text it should time-stamp: the authority's signature, the SHA-256
 * imprint of the text, and — with trust anchors — the chain of the authority's certificate at the
 * token's time (its extended key usage must be timeStamping, RFC 3161 §2.3).
 */
export async function verifyTimeStamp(
  stamp: Pick<TimeStamp, 'token'>,
  text: string,
  trustAnchors: readonly pkijs.Certificate[],
): Promise<TimeStampCheck> {
  const trusted = trustAnchors.length > 0;
  let parsed: ParsedToken;
  try {
    parsed = parseToken(arrayBuffer(Buffer.from(stamp.token, 'base64')));
  } catch (error) {
    return {
      ok: false,
      genTime: null,
      trusted,
      message: `the time-stamp token cannot be read: ${(error as Error).message}`,
    };
  }
  const genTime = parsed.tstInfo.genTime.toISOString();
  try {
    const ok = await parsed.signedData.verify({
      signer: 0,
      data: arrayBuffer(Buffer.from(text, 'utf8')),
      trustedCerts: [...trustAnchors],
      checkChain: trusted,
    });
    if (!ok) return { ok: false, genTime, trusted, message: 'the time-stamp token does not verify' };
  } catch (error) {
    const reason = error instanceof pkijs.SignedDataVerifyError ? error.message : (error as Error).message;
    return { ok: false, genTime, trusted, message: `the time-stamp token does not verify: ${reason}` };
  }
  if (trusted && !hasTimeStampingUsage(parsed.signedData))
    return {
      ok: false,
      genTime,
      trusted,
      message:
        'the time-stamp was signed by a certificate that is not for time-stamping (extended key usage)',
    };
  return {
    ok: true,
    genTime,
    trusted,
    message: `time-stamped at ${genTime} by ${signerSubject(parsed.signedData)}`,
  };
}

const EXT_KEY_USAGE_OID = '2.5.29.37';
const TIME_STAMPING_OID = '1.3.6.1.5.5.7.3.8';

function hasTimeStampingUsage(signedData: pkijs.SignedData): boolean {
  const usage = signerCertificate(signedData)?.extensions?.find((e) => e.extnID === EXT_KEY_USAGE_OID)
    ?.parsedValue as pkijs.ExtKeyUsage | undefined;
  return usage?.keyPurposes.includes(TIME_STAMPING_OID) ?? false;
}

export class TimeStampError extends Error {
  override readonly name = 'TimeStampError';
}

/** PKIFailureInfo bits (RFC 3161 §2.4.2), in the words of the RFC. */
const FAILURES: Record<number, string> = {
  0: 'badAlg',
  2: 'badRequest',
  5: 'badDataFormat',
  14: 'timeNotAvailable',
  15: 'unacceptedPolicy',
  16: 'unacceptedExtension',
  17: 'addInfoNotAvailable',
  25: 'systemFailure',
};

export interface TimeStamperOptions {
  /** The authority's RFC 3161 HTTP endpoint (AUDIT_TSA_URL). */
  url: string;
  /** The roots its signing certificate must chain to (AUDIT_TSA_CA_FILE). */
  trustAnchors: readonly pkijs.Certificate[];
  /** The policy OID to ask for (AUDIT_TSA_POLICY); the authority's default otherwise. */
  policy?: string;
  timeoutMs?: number;
}

/**
 * Asks the authority for a token over the SHA-256 of a text (RFC 3161 over HTTP, §3.4), with a
 * fresh nonce, and accepts it only once it verifies: right imprint, right nonce, a good signature
 * by a certificate that chains to a trust anchor.
 */
/**
 * A request's nonce: 62 random bits as a DER INTEGER that is positive and minimal. The first byte
 * is kept in 0x40–0x7f: a clear top bit keeps the integer positive, and a non-zero first byte
 * keeps the encoding minimal — with `& 0x7f` alone one request in 256 began 0x00 0x0… and OpenSSL's
 * authority refused it as badDataFormat, leaving that checkpoint unstamped.
 */
export function timeStampNonce(): Buffer {
  const nonce = randomBytes(8);
  nonce[0] = (nonce[0] & 0x3f) | 0x40;
  return nonce;
}

export class TimeStamper {
  constructor(private readonly options: TimeStamperOptions) {}

  get url(): string {
    return this.options.url;
  }

  get trustAnchors(): readonly pkijs.Certificate[] {
    return this.options.trustAnchors;
  }

  async stamp(text: string): Promise<TimeStamp> {
    const digest = createHash('sha256').update(text, 'utf8').digest();
    const nonce = timeStampNonce();
    const request = new pkijs.TimeStampReq({
      version: 1,
      messageImprint: new pkijs.MessageImprint({
        hashAlgorithm: new pkijs.AlgorithmIdentifier({ algorithmId: SHA256_OID }),
        hashedMessage: new asn1js.OctetString({ valueHex: arrayBuffer(digest) }),
      }),
      ...(this.options.policy ? { reqPolicy: this.options.policy } : {}),
      nonce: new asn1js.Integer({ valueHex: arrayBuffer(nonce) }),
      certReq: true,
    });
    const where = new URL(this.options.url).host;
    let answer: Response;
    try {
      answer = await fetch(this.options.url, {
        method: 'POST',
        headers: { 'content-type': 'application/timestamp-query', accept: 'application/timestamp-reply' },
        body: Buffer.from(request.toSchema().toBER()),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        redirect: 'error',
      });
    } catch (error) {
      const reason = (error as Error).name === 'TimeoutError' ? 'no answer in time' : 'could not connect';
      throw new TimeStampError(`the time-stamping authority at ${where}: ${reason}`);
    }
    if (answer.status !== 200)
      throw new TimeStampError(`the time-stamping authority at ${where} answered HTTP ${answer.status}`);
    const body = await answer.arrayBuffer();
    let response: pkijs.TimeStampResp;
    try {
      response = pkijs.TimeStampResp.fromBER(body);
    } catch {
      throw new TimeStampError(`the time-stamping authority at ${where} did not answer with a TimeStampResp`);
    }
    const status = response.status.status;
    if (status !== pkijs.PKIStatus.granted && status !== pkijs.PKIStatus.grantedWithMods) {
      const bits = response.status.failInfo?.valueBlock.valueHexView ?? new Uint8Array();
      const failed = Object.entries(FAILURES)
        .filter(([bit]) => (bits[Math.floor(Number(bit) / 8)] ?? 0) & (0x80 >> (Number(bit) % 8)))
        .map(([, name]) => name);
      throw new TimeStampError(
        `the time-stamping authority at ${where} refused (status ${status}${failed.length ? `: ${failed.join(', ')}` : ''})`,
      );
    }
    if (!response.timeStampToken)
      throw new TimeStampError(`the time-stamping authority at ${where} granted but sent no token`);
    const tokenDer = response.timeStampToken.toSchema().toBER();
    const { tstInfo, signedData } = parseToken(tokenDer);
    if (
      !tstInfo.nonce ||
      hex(tstInfo.nonce.valueBlock.valueHexView).replace(/^0+/, '') !== hex(nonce).replace(/^0+/, '')
    )
      throw new TimeStampError(`the time-stamping authority at ${where} answered another request (nonce)`);
    const token = Buffer.from(tokenDer).toString('base64');
    const check = await verifyTimeStamp({ token }, text, this.options.trustAnchors);
    if (!check.ok) throw new TimeStampError(`the token from ${where} was refused: ${check.message}`);
    return {
      token,
      genTime: tstInfo.genTime.toISOString(),
      serial: hex(tstInfo.serialNumber.valueBlock.valueHexView),
      authority: signerSubject(signedData),
    };
  }
}

/** The configured authority (AUDIT_TSA_URL, AUDIT_TSA_CA_FILE, AUDIT_TSA_POLICY), or none. */
export function timeStamperFrom(
  tsa: { url: string; caFile: string; policy?: string } | null,
): TimeStamper | null {
  if (!tsa) return null;
  let pem: string;
  try {
    pem = fs.readFileSync(tsa.caFile, 'utf8');
  } catch {
    throw new Error(`AUDIT_TSA_CA_FILE: ${tsa.caFile} cannot be read`);
  }
  let trustAnchors: pkijs.Certificate[];
  try {
    trustAnchors = certificatesFromPem(pem);
  } catch (error) {
    throw new Error(`AUDIT_TSA_CA_FILE: ${tsa.caFile}: ${(error as Error).message}`);
  }
  return new TimeStamper({ url: tsa.url, trustAnchors, ...(tsa.policy && { policy: tsa.policy }) });
}
