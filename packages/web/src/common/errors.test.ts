import { describe, expect, it } from 'vitest';
import { ApiError } from '../api/client';
import { enT, zhT } from '../i18n/testing';
import { errorText } from './errors';
import { loginErrorText } from '../pages/login/loginError';

describe('refusals in the reader language', () => {
  it('X-4 a rate-limit refusal (429) says to wait, and how long', () => {
    const limited = new ApiError(429, 'rate_limited', 'Too many sign-ins from this address', {
      rule: 'X-4 sign-in rate limit per address',
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
});
