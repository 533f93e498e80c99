import { createHash } from 'node:crypto';
import fs from 'node:fs';

export interface GateClientOptions {
  url: string;
  token: string;
  release: string;
  environment: string;
  digests: string[];
  files: string[];
}

export interface GateAnswer {
  allowed: boolean;
  release: string;
  environment: string;
  at: string;
  checks: { rule: string; ok: boolean; message: string }[];
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * What a pipeline runs before deploying: asks the server's gate over HTTP with an API token
 * (scope gate.check). Files are hashed here so the pipeline passes what it will deploy.
 */
export async function askGate(o: GateClientOptions): Promise<GateAnswer> {
  const digests = [...o.digests.map((d) => d.toLowerCase()), ...(await Promise.all(o.files.map(sha256File)))];
  const response = await fetch(`${o.url.replace(/\/$/, '')}/api/gate/check`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${o.token}` },
    body: JSON.stringify({ release: o.release, environment: o.environment, digests }),
  });
  const body = (await response.json()) as GateAnswer | { error: { code: string; message: string } };
  if (!response.ok || 'error' in body) {
    const message = 'error' in body ? `${body.error.code}: ${body.error.message}` : `HTTP ${response.status}`;
    throw new Error(`the gate could not answer (${message})`);
  }
  return body;
}

export function formatAnswer(a: GateAnswer): string {
  const lines = [`${a.allowed ? 'ALLOWED' : 'REFUSED'}: ${a.release} to ${a.environment} at ${a.at}`];
  for (const c of a.checks) lines.push(`  ${c.ok ? '✓' : '✗'} ${c.rule}: ${c.message}`);
  return lines.join('\n');
}
