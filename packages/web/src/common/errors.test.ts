import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { enT, zhT } from '../i18n/testing';
import { errorText } from './errors';
import { loginErrorText } from '../pages/login/loginError';

/** A refusal as the server answers it: its English message and its reason as codes. */
const coded = (
  status: number,
  code: string,
  reason: { ruleCode?: string; reasonCode: string; params: Record<string, unknown> },
  details: Record<string, unknown> = {},
) => new ApiError(status, code, 'English prose the web never shows', { ...details, reasons: [reason] });

describe('refusals in the reader language', () => {
  it('X-4 a rate-limit refusal (429) says to wait, and how long', () => {
    const limited = new ApiError(429, 'rate_limited', 'Too many sign-ins from this address', {
      ruleCode: 'x4_sign_in_rate_address',
      retryAfterSeconds: 42,
    });
    expect(errorText(zhT, limited)).toBe('操作过于频繁，请 42 秒后再试');
    expect(loginErrorText(zhT, limited)).toBe('操作过于频繁，请 42 秒后再试');
    expect(errorText(enT, limited)).toBe('Too many attempts; try again in 42 s');
  });

  it('X-4 a refused sign-in reads the same whatever the cause, and mentions the lock', () => {
    const refused = coded(
      401,
      'unauthenticated',
      { reasonCode: 'bad_credentials', params: {} },
      { reason: 'bad_credentials' },
    );
    expect(loginErrorText(zhT, refused)).toBe(
      '用户名或密码错误。连续多次失败后账户会被暂时锁定，可请安全管理员解锁',
    );
  });

  it('X-3 X-4 RO-3 PC-1 a refusal reads from its codes in the reader language, never from its English message', () => {
    const own = coded(403, 'forbidden', {
      ruleCode: 'no_self_granted_roles',
      reasonCode: 'own_roles',
      params: {},
    });
    expect(errorText(zhT, own)).toBe('RO-3 不能给自己授予角色：不能修改自己的角色，须由另一位安全管理员操作');
    const drafter = coded(403, 'forbidden', {
      ruleCode: 'policy_four_eyes',
      reasonCode: 'policy_drafter_cannot_approve',
      params: {},
    });
    expect(errorText(zhT, drafter)).toContain('起草人不能批准');
    expect(errorText(enT, drafter)).toContain('The drafter of a policy version cannot approve it');
    // A lost race: the reason names who won, and when (Beijing time on the Chinese screen).
    const lost = coded(
      409,
      'conflict',
      {
        ruleCode: 'policy_approval',
        reasonCode: 'policy_already_approved',
        params: { policy: 'XDYJ-06-01 V1.1', by: '运维管理部经理', at: '2026-02-01T07:00:00.000Z' },
      },
      { reason: 'already_done' },
    );
    expect(errorText(zhT, lost)).toMatch(
      /^PC-1 制度审批：XDYJ-06-01 V1\.1 已由 运维管理部经理 于 2026-02-01 \d\d:00 批准$/,
    );
    // No rule stands behind an unknown id: the reason alone, the thing named in the language.
    const gone = coded(404, 'not_found', {
      reasonCode: 'not_found',
      params: { what: 'release', id: 'REL-9' },
    });
    expect(errorText(zhT, gone)).toBe('发布 REL-9 不存在');
  });

  it('X-4 RO-1 RO-3 directory refusals read in the reader language, naming the colliding groups', () => {
    const collide = coded(422, 'policy_violation', {
      ruleCode: 'separation_of_duties',
      reasonCode: 'groups_collide',
      params: {
        groups: ['cn=auditors,dc=example', 'cn=sysadmins,dc=example'],
        pairs: [{ code: 'role_pair', params: { a: 'system_administrator', b: 'auditor' } }],
      },
    });
    expect(loginErrorText(zhT, collide)).toContain('cn=auditors,dc=example；cn=sysadmins,dc=example');
    expect(errorText(enT, collide)).toContain('cn=auditors,dc=example');
    const down = coded(503, 'unavailable', {
      ruleCode: 'x4_directory_sign_in',
      reasonCode: 'directory_unavailable',
      params: {},
    });
    expect(loginErrorText(zhT, down)).toContain('企业目录暂时无法连接，请稍后重试');
    const taken = coded(409, 'conflict', {
      ruleCode: 'x4_break_glass',
      reasonCode: 'break_glass_taken',
      params: { holder: 'sec.admin' },
    });
    expect(errorText(zhT, taken)).toContain('sec.admin 已是应急管理员，请先取消');
  });

  it('IN-1 a release refused over unapproved changes names each change with its state', () => {
    const refused = coded(
      422,
      'policy_violation',
      {
        ruleCode: 'approved_changes_only',
        reasonCode: 'unapproved_changes',
        params: { changes: ['CHG-2026-0002 短信模板调整'] },
      },
      {
        changes: [
          {
            id: 'c2',
            number: 'CHG-2026-0002',
            title: '短信模板调整',
            label: 'CHG-2026-0002 短信模板调整',
            state: 'withdrawn',
            approved: false,
          },
        ],
      },
    );
    expect(errorText(zhT, refused)).toContain('CHG-2026-0002 短信模板调整（已撤回）');
  });

  it('CM-5 an import over a limit names the limit in the reader language', () => {
    const rows = coded(413, 'too_large', {
      ruleCode: 'cmdb_import_rows',
      reasonCode: 'import_too_many_rows',
      params: { rows: 50000, setting: 'CMDB_IMPORT_MAX_ROWS' },
    });
    expect(errorText(zhT, rows)).toContain(
      '导入文件超过 50000 行（CMDB_IMPORT_MAX_ROWS），请拆分后再导入；未导入任何内容',
    );
    expect(errorText(enT, rows)).toContain(
      'The import file has more than 50000 rows (CMDB_IMPORT_MAX_ROWS); split it, nothing was imported',
    );
  });

  it('X-3 a refusal of fields only reads as its fields and their problems', () => {
    const fields = new ApiError(400, 'invalid_input', 'Invalid body: title: required', {
      fields: { title: ['required'] },
      fieldProblems: { title: [{ code: 'required', params: {} }] },
    });
    expect(errorText(zhT, fields)).toMatch(/^title：/);
    expect(errorText(zhT, fields)).not.toContain('required');
  });
});
