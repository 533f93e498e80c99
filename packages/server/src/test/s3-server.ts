// Test harness for DS-3: an S3-compatible server (s3rver, which speaks the S3 REST API and checks
// signatures) on a loopback port, keeping its objects in a temporary directory. Servers and CLIs
// the test spawns reach it like any S3 endpoint.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { tempDir } from './databases';

/** s3rver accepts this key pair only (and checks every request's signature with it). */
const ACCESS_KEY = 'S3RVER';
const SECRET_KEY = 'S3RVER';

export interface S3Server {
  /** `http://127.0.0.1:PORT` */
  endpoint: string;
  /** A raw client, for what a test does behind the store's back. */
  client: S3Client;
  /** Creates a bucket of a fresh name and returns the name. */
  newBucket(): Promise<string>;
  /** The environment of a ReleaseGate whose blob store is this bucket (path-style, as MinIO). */
  env(bucket: string, prefix?: string): Record<string, string>;
  close(): Promise<void>;
}

/**
 * Starts s3rver in a process of its own (through s3rver.mjs, which mends a race of its file
 * store): its continuation tokens (a listing longer than a page) are DES-encrypted, which
 * OpenSSL 3 offers only with the legacy provider, a switch of the whole process; and uploads of
 * many megabytes are not served on the test's own event loop. Its output is read throughout (a
 * full pipe would stall it) and told when it stops unasked.
 */
export async function startS3Server(): Promise<S3Server> {
  const dir = tempDir('rg-s3-');
  const bin = path.join(import.meta.dirname, 's3rver.mjs');
  const child = spawn(
    process.execPath,
    [
      '--openssl-legacy-provider',
      bin,
      '-d',
      dir,
      '-a',
      '127.0.0.1',
      '-p',
      '0',
      '--no-vhost-buckets',
      '--silent',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const port = await new Promise<number>((resolve, reject) => {
    const onData = (data: Buffer) => {
      output += data.toString();
      const match = /S3rver listening on [\d.]+:(\d+)/.exec(output);
      if (match) resolve(Number(match[1]));
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (data: Buffer) => (output += data.toString()));
    child.once('exit', (code) => reject(new Error(`s3rver exited with ${code}: ${output}`)));
  });
  let closing = false;
  child.once('exit', (code, signal) => {
    if (!closing)
      process.stderr.write(`s3rver stopped unasked (${code ?? signal}):\n${output.slice(-4000)}\n`);
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new S3Client({
    endpoint,
    region: 'us-east-1',
    forcePathStyle: true,
    credentials: { accessKeyId: ACCESS_KEY, secretAccessKey: SECRET_KEY },
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
  return {
    endpoint,
    client,
    async newBucket() {
      const name = `rg-${randomBytes(6).toString('hex')}`;
      await client.send(new CreateBucketCommand({ Bucket: name }));
      return name;
    },
    env: (bucket, prefix = '') => ({
      BLOB_STORE: 's3',
      S3_ENDPOINT: endpoint,
      S3_REGION: 'us-east-1',
      S3_BUCKET: bucket,
      S3_PREFIX: prefix,
      S3_ACCESS_KEY_ID: ACCESS_KEY,
      S3_SECRET_ACCESS_KEY: SECRET_KEY,
      S3_FORCE_PATH_STYLE: 'true',
    }),
    async close() {
      client.destroy();
      closing = true;
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
