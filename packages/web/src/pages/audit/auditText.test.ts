/// <reference types="node" />
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { enT, testI18n, zhT } from '../../i18n/testing';
import { auditActionLabel, ENTITY_TYPES, entityTypeLabel } from './auditText';

const packages = fileURLToPath(new URL('../../../../', import.meta.url));
const read = (path: string) => readFileSync(join(packages, path), 'utf8');

/** The server's source files, without its tests. */
function serverSources(dir = 'server/src'): string[] {
  return readdirSync(join(packages, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return entry.name === 'test' ? [] : serverSources(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

const RELEASE_ACTIONS = [
  ...(
    /export const RELEASE_ACTIONS = \[([^\]]*)\]/.exec(read('domain/src/release/lifecycle.ts'))?.[1] ?? ''
  ).matchAll(/'([a-z_]+)'/g),
].map((m) => m[1]);

/**
 * Action codes the server builds from a template, by the template's opening: what each can be.
 * A new template fails the test below until it is listed here (and its actions labelled).
 */
const TEMPLATES: Record<string, string[]> = {
  'release.${action}': RELEASE_ACTIONS.map((a) => `release.${a}`),
  'release.assess_${kind}': ['relationship', 'resource', 'risk'].map((k) => `release.assess_${k}`),
  'user.${verb}': ['user.disable', 'user.enable'],
  'dsl.version_${': ['approve', 'reject', 'retire'].map((v) => `dsl.version_${v}`),
  'knowledge.article_${': ['update', 'publish', 'archive'].map((v) => `knowledge.article_${v}`),
};

/** Every audit action the server records or names a route by (a refusal is audited under it). */
function serverActions(): { actions: Set<string>; unknownTemplates: string[] } {
  // The vocabulary's own list (decision 0022), then every use of an action in the source.
  const vocabulary = read('server/src/modules/audit/audit.actions.ts');
  const actions = new Set<string>([...vocabulary.matchAll(/^\s*'([a-z_]+\.[a-z_]+)',$/gm)].map((m) => m[1]));
  const unknownTemplates: string[] = [];
  for (const file of serverSources()) {
    // `action: …` / `auditAction: …`, a ternary over following lines included.
    for (const m of read(file).matchAll(/\b(?:auditAction|action)\s*:\s*([^,\n]*(?:\n\s*[?:][^,\n]*)*)/g)) {
      const expression = m[1];
      for (const literal of expression.matchAll(/'([a-z_]+\.[a-z_]+)'/g)) actions.add(literal[1]);
      const template = /`([^`]*)`/.exec(expression)?.[1];
      if (!template?.includes('${')) continue;
      const known = Object.keys(TEMPLATES).find((opening) => template.startsWith(opening));
      if (known) TEMPLATES[known].forEach((a) => actions.add(a));
      else unknownTemplates.push(`${file}: ${template}`);
    }
  }
  return { actions, unknownTemplates };
}

function serverEntityTypes(): Set<string> {
  const types = new Set<string>();
  for (const file of serverSources())
    for (const m of read(file).matchAll(/\bentityType(?:\s*:|\s*\?\?)\s*'([a-z_]+)'/g)) types.add(m[1]);
  return types;
}

describe('audit log labels', () => {
  it('PR-3 X-3: every action the server audits has a Chinese and an English label', () => {
    const { actions, unknownTemplates } = serverActions();
    expect(unknownTemplates).toEqual([]);
    expect(RELEASE_ACTIONS.length).toBeGreaterThan(20);
    // One name per action since decision 0022 (about 130; two vocabularies made it about 190).
    expect(actions.size).toBeGreaterThan(120);
    const unlabelled = [...actions].filter(
      (a) =>
        !testI18n.exists(`actions.${a}`, { lng: 'zh' }) || !testI18n.exists(`actions.${a}`, { lng: 'en' }),
    );
    expect(unlabelled).toEqual([]);
  });

  it('PR-3 X-3: every type of object the server audits has a label, and the filter offers it', () => {
    const types = serverEntityTypes();
    expect(types.size).toBeGreaterThan(15);
    for (const type of types) {
      expect(entityTypeLabel(zhT, type), type).not.toBe(type);
      expect(entityTypeLabel(enT, type), type).not.toBe(type);
    }
    expect([...types].filter((type) => !ENTITY_TYPES.includes(type))).toEqual([]);
  });

  it('PR-3: actions and object types read in the reader’s language, unknown ones as their code', () => {
    expect(auditActionLabel(zhT, 'knowledge.article_publish')).toBe('发布知识文章');
    expect(auditActionLabel(enT, 'cmdb.ci_create')).toBe('Create CI');
    expect(entityTypeLabel(zhT, 'knowledge_article')).toBe('知识文章');
    expect(entityTypeLabel(enT, 'ci_relation')).toBe('CI relation');
    expect(auditActionLabel(zhT, 'future.thing_done')).toBe('future.thing_done');
    expect(auditActionLabel(zhT, 'release')).toBe('release');
    expect(entityTypeLabel(zhT, 'future_thing')).toBe('future_thing');
  });

  it('PR-3: a refused request audited by its route reads as a refusal of that request', () => {
    expect(auditActionLabel(zhT, 'GET /api/audit/events')).toBe('访问被拒绝 GET /api/audit/events');
    expect(auditActionLabel(enT, 'POST /api/releases/:id/plan')).toBe(
      'Request refused: POST /api/releases/:id/plan',
    );
  });

  it('PR-3 X-1: a refused command line action, audited under its command, reads as a refusal of that command', () => {
    expect(auditActionLabel(zhT, 'cli.token.create')).toBe('命令行操作被拒绝 releasegate token create');
    expect(auditActionLabel(enT, 'cli.restore')).toBe('Command refused: releasegate restore');
  });
});
