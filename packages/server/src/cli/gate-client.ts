import { createHash } from 'node:crypto';
import fs from 'node:fs';
import {
  beijingMinute,
  languageOf,
  renderReason,
  ruleName,
  type Language,
  type Reason,
  type RuleCode,
} from '@releasegate/messages';

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
  checks: {
    code: RuleCode;
    reasonCode: Reason['code'];
    params: Reason['params'];
    rule: string;
    ok: boolean;
    message: string;
  }[];
}

/** The language of the terminal: LC_ALL, LC_MESSAGES or LANG (zh_CN.UTF-8 → Chinese), else English. */
export const terminalLanguage = (env: NodeJS.ProcessEnv = process.env): Language =>
  languageOf(env.LC_ALL || env.LC_MESSAGES || env.LANG, 'en');

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * What a pipeline runs before deploying: asks the server's gate over HTTP with an API token
 * (scope gate.check). Files are hashed here so the pipeline passes what it will deploy.
 */
export async function askGate(o: GateClientOptions, language: Language = 'en'): Promise<GateAnswer> {
  const digests = [...o.digests.map((d) => d.toLowerCase()), ...(await Promise.all(o.files.map(sha256File)))];
  const response = await fetch(`${o.url.replace(/\/$/, '')}/api/gate/check`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      authorization: `Bearer ${o.token}`,
      'accept-language': language === 'zh' ? 'zh-CN' : 'en',
    },
    body: JSON.stringify({ release: o.release, environment: o.environment, digests }),
  });
  const body = (await response.json()) as GateAnswer | { error: { code: string; message: string } };
  if (!response.ok || 'error' in body) {
    const message = 'error' in body ? `${body.error.code}: ${body.error.message}` : `HTTP ${response.status}`;
    throw new Error(`the gate could not answer (${message})`);
  }
  return body;
}

/** The answer for a person reading the pipeline's log, in the terminal's language. */
export function formatAnswer(a: GateAnswer, language: Language = 'en'): string {
  if (language === 'en') {
    const lines = [`${a.allowed ? 'ALLOWED' : 'REFUSED'}: ${a.release} to ${a.environment} at ${a.at}`];
    for (const c of a.checks) lines.push(`  ${c.ok ? '✓' : '✗'} ${c.rule}: ${c.message}`);
    return lines.join('\n');
  }
  const lines = [
    `${a.allowed ? '允许' : '拒绝'}：${a.release} 部署到 ${a.environment}（北京时间 ${beijingMinute(a.at)}）`,
  ];
  for (const c of a.checks)
    lines.push(
      `  ${c.ok ? '✓' : '✗'} ${ruleName('zh', c.code)}：${renderReason('zh', { code: c.reasonCode, params: c.params } as Reason)}`,
    );
  return lines.join('\n');
}
