import { execFile } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import { tempDir } from './databases';

const run = promisify(execFile);

/**
 * A real RFC 3161 time-stamping authority for tests: OpenSSL's `ts -reply` answering
 * `application/timestamp-query` POSTs on loopback, with its own root CA and a signing certificate
 * for time-stamping only. `openssl ts -verify` checks what we produce against the same CA.
 */
export interface OpensslTsa {
  url: string;
  dir: string;
  /** The root's certificate (PEM file): what AUDIT_TSA_CA_FILE names. */
  caFile: string;
  /** Requests answered so far. */
  readonly requests: number;
  /** Answer the next requests with this HTTP status and no token (an authority in trouble). */
  failWith(status: number | null): void;
  close(): Promise<void>;
}

const TSA_CONFIG = (dir: string) => `
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = ${dir}
serial = ${dir}/serial
crypto_device = builtin
signer_digest = sha256
default_policy = 1.2.3.4.1
other_policies = 1.2.3.4.2
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = yes
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
`;

/** A root CA and, under it, a certificate with the given extended key usage. */
export async function makeTsaCertificates(
  dir: string,
  name: string,
  usage = 'critical,timeStamping',
): Promise<{ caFile: string; certFile: string; keyFile: string }> {
  const caKey = path.join(dir, 'ca.key');
  const caFile = path.join(dir, 'ca.crt');
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    caKey,
    '-out',
    caFile,
    '-subj',
    `/CN=${name} Root CA`,
    '-days',
    '30',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ]);
  const keyFile = path.join(dir, 'tsa.key');
  const csr = path.join(dir, 'tsa.csr');
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    keyFile,
    '-out',
    csr,
    '-subj',
    `/CN=${name}/O=ReleaseGate tests`,
  ]);
  const ext = path.join(dir, 'tsa.ext');
  fs.writeFileSync(
    ext,
    `basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,nonRepudiation\nextendedKeyUsage=${usage}\n`,
  );
  const certFile = path.join(dir, 'tsa.crt');
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    caFile,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-out',
    certFile,
    '-days',
    '30',
    '-extfile',
    ext,
  ]);
  return { caFile, certFile, keyFile };
}

export async function startOpensslTsa(name = 'ReleaseGate Test TSA'): Promise<OpensslTsa> {
  const dir = tempDir('rg-tsa-');
  const { caFile, certFile, keyFile } = await makeTsaCertificates(dir, name);
  const config = path.join(dir, 'tsa.cnf');
  fs.writeFileSync(config, TSA_CONFIG(dir));
  fs.writeFileSync(path.join(dir, 'serial'), '01\n');
  let requests = 0;
  let failure: number | null = null;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests += 1;
      if (failure !== null) {
        res.writeHead(failure).end();
        return;
      }
      if (req.method !== 'POST' || req.headers['content-type'] !== 'application/timestamp-query') {
        res.writeHead(400).end();
        return;
      }
      const n = requests;
      const query = path.join(dir, `q${n}.tsq`);
      const reply = path.join(dir, `r${n}.tsr`);
      fs.writeFileSync(query, Buffer.concat(chunks));
      execFile(
        'openssl',
        [
          'ts',
          '-reply',
          '-config',
          config,
          '-queryfile',
          query,
          '-signer',
          certFile,
          '-inkey',
          keyFile,
          '-out',
          reply,
        ],
        (error) => {
          if (error || !fs.existsSync(reply)) {
            res.writeHead(500).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(fs.readFileSync(reply));
        },
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/tsa`,
    dir,
    caFile,
    get requests() {
      return requests;
    },
    failWith(status) {
      failure = status;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
