import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import type { SessionView } from '../api/types';
import { enT, zhT } from '../i18n/testing';
import { errorText } from '../common/errors';
import { loginErrorText } from '../pages/login/loginError';
import { CODE_PATTERN, isSecondFactorPending, normaliseCode, recoveryCodesText } from './secondFactor';

describe('X-4 two-step verification in the web app', () => {
  it('X-4 a sign-in answer is either a session or a pending second step', () => {
    expect(isSecondFactorPending({ secondFactorRequired: true, expiresAt: '2026-01-01T00:05:00.000Z' })).toBe(
      true,
    );
    const session = { csrfToken: 'x', passwordExpired: false, mustEnrolSecondFactor: false } as SessionView;
    expect(isSecondFactorPending(session)).toBe(false);
  });

  it('X-4 a code typed with the spaces an authenticator shows is six digits; other text is not', () => {
    expect(normaliseCode(' 123 456 ')).toBe('123456');
    expect(CODE_PATTERN.test(normaliseCode('123 456'))).toBe(true);
    expect(CODE_PATTERN.test('12345')).toBe(false);
    expect(CODE_PATTERN.test('12345a')).toBe(false);
    expect(recoveryCodesText(['abcde-fghjk', 'mnpqr-stuvw'])).toBe('abcde-fghjk\nmnpqr-stuvw');
  });

  it('X-4 the refusals of two-step verification read in Chinese and in English', () => {
    const refusal = (status: number, code: string, ruleCode: string, reasonCode: string, reason?: string) =>
      new ApiError(status, code, 'English prose the web never shows', {
        ...(reason && { reason }),
        reasons: [{ ruleCode, reasonCode, params: {} }],
      });
    const expired = refusal(
      401,
      'unauthenticated',
      'x4_second_factor',
      'second_factor_expired',
      'second_factor_expired',
    );
    expect(loginErrorText(zhT, expired)).toContain('登录已超时或已失效，请重新输入用户名和密码');
    expect(loginErrorText(enT, expired)).toMatch(/expired/);
    const required = refusal(422, 'policy_violation', 'x4_second_factor_required', 'second_factor_required');
    expect(errorText(zhT, required)).toContain('您的角色须启用两步验证，请先完成设置');
    const self = refusal(403, 'forbidden', 'x4_second_factor_reset_by_another', 'own_second_factor');
    expect(errorText(zhT, self)).toContain('另一位安全管理员');
    const enabled = refusal(409, 'conflict', 'x4_second_factor', 'second_factor_already_enabled');
    expect(errorText(zhT, enabled)).toContain('两步验证已启用；如需更换身份验证器，请先关闭');
    expect(errorText(enT, enabled)).toMatch(/already on/);
  });
});
