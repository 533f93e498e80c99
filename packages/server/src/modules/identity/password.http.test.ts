import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { en } from '@releasegate/messages';
import { DIALECTS } from '../../test/databases';
import { HttpClient, TEST_PASSWORD, startTestApp, type TestApp } from '../../test/test-app';
import { firstRunSetupLink } from './auth.service';
import { systemContext } from '../../context';
import { isCommonPassword } from './common-passwords';

describe('X-4 common password list', () => {
  it('X-4 holds the general list and the Chinese-typical additions, compared in lower case', () => {
    for (const p of ['password', '123456789', 'qwertyuiop', '1qaz2wsx', 'woaini1314', 'woaini1314520'])
      expect(isCommonPassword(p), p).toBe(true);
    for (const p of ['1qaz2wsx3edc', 'admin@123456', 'p@ssw0rd1234', 'zhangwei123456', '5201314woaini'])
      expect(isCommonPassword(p), p).toBe(true);
    expect(isCommonPassword(TEST_PASSWORD)).toBe(false);
    expect(isCommonPassword('# lines starting with # are comments')).toBe(false);
  });
});

describe.each(DIALECTS)('X-4 password profile standard over HTTP on %s', (dialect) => {
  let t: TestApp;
  beforeEach(async () => {
    t = await startTestApp(dialect);
  });
  afterEach(async () => {
    await t.close();
  });

  it('X-4 a common password, a repeated character and the user name are refused at setup, creation, reset and change, each reason named', async () => {
    const link = await firstRunSetupLink(t.app.identity, systemContext());
    const token = new URL(link!.url).searchParams.get('token')!;
    const browser = new HttpClient(t.url);
    const setup = (password: string) =>
      browser.post('/api/setup', { token, username: 'sec.admin', displayName: '安全管理员', password });

    const refused = async (reply: Promise<{ status: number; body: any }>, reasons: string[]) => {
      const r = await reply;
      expect(r.status, JSON.stringify(r.body)).toBe(400);
      expect(r.body.error.details.rule).toBe('password profile standard');
      expect(r.body.error.details.fields.password).toEqual(reasons);
    };
    await refused(setup('WoAiNi1314520'), [en.fields.password_common]);
    await refused(setup('1qaz2wsx3edc'), [en.fields.password_common]);
    await refused(setup('aaaaaaaaaaaa'), [en.fields.password_repeated]);
    await refused(setup('Xx.Xx.Xx.Xx.'), [en.fields.password_repeated]);
    await refused(setup('my SEC.ADMIN password'), [en.fields.password_has_username]);
    expect((await setup(TEST_PASSWORD)).status).toBe(200);

    // Creating an account, resetting its password, and its owner changing it: the same rules.
    const created = await browser.post('/api/users', {
      username: 'wang.fang',
      displayName: '王芳',
      roles: ['operations_engineer'],
      password: 'wang.fang.2026.release',
    });
    expect(created.status).toBe(400);
    expect(created.body.error.details.fields.password).toEqual([en.fields.password_has_username]);
    const user = await browser.post('/api/users', {
      username: 'wang.fang',
      displayName: '王芳',
      roles: ['operations_engineer'],
      password: TEST_PASSWORD,
    });
    expect(user.status).toBe(201);
    await refused(browser.post(`/api/users/${user.body.id}/password`, { password: 'zhangwei123456' }), [
      en.fields.password_common,
    ]);
    const owner = new HttpClient(t.url);
    await owner.login('wang.fang');
    await refused(
      owner.post('/api/auth/password', { currentPassword: TEST_PASSWORD, newPassword: '7a7a7a7a7a7a' }),
      [en.fields.password_repeated],
    );
    const fine = await owner.post('/api/auth/password', {
      currentPassword: TEST_PASSWORD,
      newPassword: '春眠不觉晓处处闻啼鸟',
    });
    expect(fine.status, JSON.stringify(fine.body)).toBe(400);
    expect(fine.body.error.details.fields.password).toEqual(['at least 12 characters']);
    expect(
      (
        await owner.post('/api/auth/password', {
          currentPassword: TEST_PASSWORD,
          newPassword: '春眠不觉晓，处处闻啼鸟。',
        })
      ).status,
    ).toBe(200);
  });
});
