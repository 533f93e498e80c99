import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { en } from './catalog.en';
import { zh } from './catalog.zh';
import { FIELD_CODES, GAP_CODES, REASON_CODES, RULE_CODES } from './codes';
import { renderField, renderReason, ruleName } from './catalogs';
import { languageOf, requirementOf, ruleCodeOf } from './render';

const SLOT = /\{\{\s*(\w+)\s*((?:,\s*\w+\s*)*)\}\}/g;
const slots = (template: string) =>
  [...template.matchAll(SLOT)].map(([, name, mods]) => ({
    name,
    modifiers: mods
      .split(',')
      .map((m) => m.trim())
      .filter(Boolean),
  }));

const leaves = (node: unknown, prefix = ''): string[] =>
  typeof node === 'string'
    ? [prefix]
    : Object.entries(node as Record<string, unknown>).flatMap(([k, v]) =>
        leaves(v, prefix ? `${prefix}.${k}` : k),
      );

const MODIFIERS = new Set([
  'or',
  'list',
  'semicolon',
  'time',
  'quoted',
  'rule',
  'gaps',
  'reasons',
  'fields',
  ...Object.keys(en.words),
]);

/** Every non-test source file of the packages that send codes, by its path from packages/. */
function sourceFiles(): { file: string; text: string }[] {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name))
        out.push({ file: path.relative(root, full), text: fs.readFileSync(full, 'utf8') });
    }
  };
  walk(path.join(root, 'domain/src'));
  walk(path.join(root, 'server/src'));
  return out;
}

const sources = () =>
  sourceFiles()
    .map((f) => f.text)
    .join('\n');

describe('X-3 the message catalog (one contract: codes, not sentences)', () => {
  it('X-3 every code has a message in Chinese and in English, and nothing else is in either', () => {
    expect(leaves(zh).sort()).toEqual(leaves(en).sort());
    for (const key of leaves(zh)) {
      const text = key.split('.').reduce<unknown>((n, k) => (n as Record<string, unknown>)[k], zh);
      expect(text, key).not.toBe('');
    }
  });

  it('X-3 each Chinese message uses exactly the parameters of its English one, with known modifiers', () => {
    const names = (t: string) => [...new Set(slots(t).map((s) => s.name))].sort();
    const pairs = [
      ...REASON_CODES.map((code) => [code, en.reasons[code], zh.reasons[code]]),
      ...FIELD_CODES.map((code) => [code, en.fields[code], zh.fields[code]]),
    ];
    for (const [code, english, chinese] of pairs) {
      expect(names(chinese), code).toEqual(names(english));
      for (const slot of [...slots(english), ...slots(chinese)])
        for (const m of slot.modifiers) expect(MODIFIERS.has(m), `${code}: ${m}`).toBe(true);
    }
  });

  it('X-3 no message is unused: the domain or the server sends every rule, reason and gap code', () => {
    const code = sources();
    const unused = [...RULE_CODES, ...REASON_CODES, ...GAP_CODES].filter(
      (c) => !code.includes(`'${c}'`) && !code.includes(`RULES.${c}`),
    );
    expect(unused).toEqual([]);
    const unusedFields = FIELD_CODES.filter((c) => !code.includes(`'${c}'`) && !code.includes(`FIELDS.${c}`));
    expect(unusedFields).toEqual([]);
  });

  it('X-3 every refusal is raised with its codes: only the coded constructors build a DomainError', () => {
    // domain/src/errors.ts holds refusal(), refused(), invalidFields(), notFound(), forbidden() and
    // alreadyDone(), each of which keeps the reason as a code; the release guard passes the
    // lifecycle's blockers, which are codes, as the reasons; StaleChangeState (a subclass) hands
    // its code to super(). A free-text `new DomainError(...)` anywhere else would reach a Chinese
    // screen in English.
    const allowed = ['domain/src/errors.ts', 'server/src/modules/releases/release.guard.ts'];
    const raisers = sourceFiles()
      .filter((f) => f.text.includes('new DomainError('))
      .map((f) => f.file);
    expect(raisers.sort()).toEqual(allowed.sort());
    const subclasses = sourceFiles().filter((f) => /extends DomainError/.test(f.text));
    for (const { file, text } of subclasses)
      expect(text, `${file} passes its reasons to super()`).toMatch(/super\([^;]*\[\s*\{\s*code:/s);
  });

  it('X-3 a rule carries its requirement ID on its own; the lifecycle rules carry none', () => {
    expect(requirementOf('authorised_decider')).toBe('RB-2');
    expect(requirementOf('assessment_during_intake')).toBe('IN-3…IN-5');
    expect(requirementOf('release_lifecycle')).toBeNull();
    expect(ruleCodeOf('RB-2 an authorised person decides')).toBe('authorised_decider');
    expect(ruleName('zh', 'authorised_decider')).toBe('RB-2 由有权人员作出回退决策');
  });

  it('X-3 parameters render in either language: vocabularies, lists, quotes, times and plan gaps', () => {
    const state = {
      code: 'state_required',
      params: { states: ['planning', 'plan_review'], current: 'approved' },
    } as const;
    expect(renderReason('en', state)).toBe(
      'only when the release is "Planning" or "Plan review" (it is "Plan approved")',
    );
    expect(renderReason('zh', state)).toBe(
      '仅当发布处于“计划制定”或“计划审批”时可以执行（当前为“计划已批准”）',
    );
    const roles = {
      code: 'needs_roles_for_type',
      params: { roles: ['operations_manager'], type: 'major' },
    } as const;
    expect(renderReason('en', roles)).toBe('needs the operations manager for a major release');
    expect(renderReason('zh', roles)).toBe('重大发布须由运维管理部经理审批');
    const past = { code: 'window_past', params: { end: '2026-12-06T03:08:00.000Z' } } as const;
    expect(renderReason('en', past)).toBe(
      'the window ended at 2026-12-06T03:08:00.000Z; plan a window ahead',
    );
    expect(renderReason('zh', past)).toBe('发布窗口已于 2026-12-06 11:08 结束，请安排一个未来的窗口');
    const gaps = {
      code: 'plan_gaps',
      params: {
        gaps: [
          { section: 'rollback', code: 'rollback' },
          { section: 'window', code: 'window_order' },
        ],
      },
    } as const;
    expect(renderReason('zh', gaps)).toBe(
      '缺少：回退措施（请按顺序列出回退步骤（PR-2：没有回退计划就不能批准发布计划））；时间安排（发布窗口的结束时间必须晚于开始时间）',
    );
  });

  it('X-3 a field problem renders its bounds, rule and vocabulary in either language', () => {
    expect(renderField('en', { code: 'text_max', params: { max: 40 } })).toBe('at most 40 characters');
    expect(renderField('zh', { code: 'text_max', params: { max: 40 } })).toBe('最多 40 个字符');
    const bounds = {
      code: 'policy_outside_bounds',
      params: { rule: 'authorised_decider', value: 300, min: 5, max: 240 },
    } as const;
    expect(renderField('en', bounds)).toBe('RB-2 an authorised person decides: 300 is outside 5–240');
    expect(renderField('zh', bounds)).toBe(
      '300 超出允许范围：须在 5 至 240 之间（RB-2 由有权人员作出回退决策）',
    );
    const state = { code: 'dsl_version_not_approved', params: { id: 'v1', state: 'pending' } } as const;
    expect(renderField('en', state)).toBe('DS-2: DSL version v1 is pending, not approved');
    expect(renderField('zh', state)).toContain('待审批');
  });

  it('X-3 a reason lists field problems (`fields`) and nested reasons (`reasons`) in either language', () => {
    const rules = {
      code: 'password_rules_broken',
      params: {
        problems: [
          { code: 'password_has_username', params: {} },
          { code: 'password_reused', params: { count: 5 } },
        ],
      },
    } as const;
    expect(renderReason('en', rules)).toBe(
      'The password does not meet the password rules: must not contain the user name; must differ from the last 5 passwords',
    );
    expect(renderReason('zh', rules)).toBe(
      '密码不符合密码规则：不能包含用户名；不能与最近 5 次使用过的密码相同',
    );
    const pairs = {
      code: 'roles_exclude_each_other',
      params: {
        pairs: [
          { code: 'role_pair', params: { a: 'system_administrator', b: 'auditor' } },
          { code: 'role_pair', params: { a: 'security_administrator', b: 'cab_member' } },
        ],
      },
    } as const;
    expect(renderReason('en', pairs)).toBe(
      'Separation of duties: one user cannot be a system administrator and an auditor; a security administrator and a CAB member at once',
    );
    expect(renderReason('zh', pairs)).toBe(
      '三员分立：同一用户不能同时担任系统管理员和审计员；安全管理员和变更管理委员会成员',
    );
  });

  it('X-3 Accept-Language and LANG choose the language, by quality and order', () => {
    expect(languageOf('zh-CN,zh;q=0.9,en;q=0.8')).toBe('zh');
    expect(languageOf('en-US,zh;q=0.5')).toBe('en');
    expect(languageOf('fr, zh-TW;q=0.3')).toBe('zh');
    expect(languageOf('zh_CN.UTF-8')).toBe('zh');
    expect(languageOf('de')).toBe('en');
    expect(languageOf(undefined, 'zh')).toBe('zh');
  });
});
