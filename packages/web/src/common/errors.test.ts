import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { enT, zhT } from '../i18n/testing';
import { errorText } from './errors';
import { loginErrorText } from '../pages/login/loginError';

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
    const refused = new ApiError(401, 'unauthenticated', 'Wrong user name or password', {
      reason: 'bad_credentials',
    });
    expect(loginErrorText(zhT, refused)).toBe(
      '用户名或密码错误。连续多次失败后账户会被暂时锁定，可请安全管理员解锁',
    );
  });

  it('X-4 RO-3 PC-1 the access-control refusals read in Chinese, and a lost race names who won', () => {
    const refusal = (ruleCode: string) => new ApiError(403, 'forbidden', 'English prose', { ruleCode });
    expect(errorText(zhT, refusal('no_self_granted_roles'))).toBe(
      '不能修改自己的角色，须由另一位安全管理员操作',
    );
    expect(errorText(zhT, refusal('x4_tokens_by_owner'))).toContain('只能由本人签发');
    expect(errorText(zhT, refusal('policy_four_eyes'))).toContain('起草人不能批准');
    const lost = new ApiError(409, 'conflict', 'Already decided', {
      reason: 'already_done',
      ruleCode: 'one_decision_per_trigger',
      action: 'decide_rollback',
      by: '运维管理部经理',
      at: '2026-02-01T07:00:00.000Z',
    });
    expect(errorText(zhT, lost)).toMatch(/^运维管理部经理 已于 .+ 完成了这一操作，无需重复。$/);
  });

  it('X-4 RO-1 RO-3 directory sign-in refusals read in the reader language, naming the colliding groups', () => {
    const collide = new ApiError(422, 'policy_violation', 'English prose', {
      ruleCode: 'separation_of_duties',
      reason: 'groups_collide',
      collidingGroups: ['cn=auditors,dc=example', 'cn=sysadmins,dc=example'],
      conflictingRoles: ['system_administrator', 'auditor'],
    });
    expect(loginErrorText(zhT, collide)).toBe(
      '三员分立：目录组 cn=auditors,dc=example、cn=sysadmins,dc=example 会使同一人同时担任系统管理员和审计员，请调整映射或目录',
    );
    expect(errorText(enT, collide)).toContain('cn=auditors,dc=example');
    const down = new ApiError(503, 'unavailable', 'English prose', {
      ruleCode: 'x4_directory_sign_in',
      reason: 'directory_unavailable',
    });
    expect(loginErrorText(zhT, down)).toBe('企业目录暂时无法连接，请稍后重试');
    const noRole = new ApiError(403, 'forbidden', 'English prose', {
      ruleCode: 'ro1_role_from_groups',
      reason: 'no_mapped_role',
    });
    expect(loginErrorText(zhT, noRole)).toContain('没有映射到本系统的角色');
    const taken = new ApiError(409, 'conflict', 'English prose', {
      ruleCode: 'x4_break_glass',
      reason: 'break_glass_taken',
      holder: 'sec.admin',
    });
    expect(errorText(zhT, taken)).toBe('sec.admin 已是应急管理员，请先取消');
  });

  it('CM-5 an import over a limit names the limit in the reader language', () => {
    const rows = new ApiError(413, 'too_large', 'The import file has more than 50000 rows', {
      ruleCode: 'cmdb_import_rows',
      limit: 'CMDB_IMPORT_MAX_ROWS',
      maxRows: 50000,
    });
    expect(errorText(zhT, rows)).toBe(
      '导入文件超过 50000 行的上限（CMDB_IMPORT_MAX_ROWS），请拆分后再导入，未导入任何内容',
    );
    const bomb = new ApiError(413, 'too_large', 'The workbook unzips to more than 100 MiB', {
      ruleCode: 'cmdb_import_unzipped_size',
      maxBytes: 100 * 1048576,
    });
    expect(errorText(enT, bomb)).toBe(
      'The workbook unzips to more than 100 MiB (CMDB_IMPORT_MAX_UNZIPPED_MB); nothing was imported',
    );
  });
});
