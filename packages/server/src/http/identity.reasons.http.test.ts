import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DomainError } from '@releasegate/domain';
import { renderReason, ruleName, type Reason } from '@releasegate/messages';
import { DIALECTS } from '../test/databases';
import { HttpClient, startTestApp, type Reply, type TestApp } from '../test/test-app';
import { cliContext } from '../cli/cli-context';
import { setUserDisabled } from '../modules/identity/user.service';

const ZH = { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.8' };

/** Three or more English words in a row: a sentence the catalog should have rendered in Chinese. */
const ENGLISH_SENTENCE = /[A-Za-z]{2,}(?:[ ,;:]+[A-Za-z]{2,}){2,}/;

/** A refusal answered in Chinese: its reason as a code with parameters, its message in Chinese. */
function expectChinese(reply: Reply, reason: { ruleCode?: string; reasonCode: string }): string {
  expect(reply.body.error.details.reasons, JSON.stringify(reply.body)).toEqual([
    expect.objectContaining({ ...reason, params: expect.any(Object) }),
  ]);
  if (!reason.ruleCode) expect(reply.body.error.details.reasons[0]).not.toHaveProperty('ruleCode');
  const message = reply.body.error.message as string;
  expect(message).toMatch(/[\u4e00-\u9fff]/);
  expect(message).not.toMatch(ENGLISH_SENTENCE);
  return message;
}

/**
 * Issue #14 for identity: the refusals of accounts, passwords, tokens and the directory carry their
 * reason as a catalog code with parameters, so the web, the CLI and the API (Accept-Language)
 * say them in Chinese or English from one catalog, keeping the details clients branch on.
 */
describe.each(DIALECTS)('X-3 X-4 identity refusals as codes on %s', (dialect) => {
  let t: TestApp;
  let sec: HttpClient;
  let secId: string;
  beforeEach(async () => {
    t = await startTestApp(dialect);
    secId = (await t.seedUser('sec', ['security_administrator'])).id;
    sec = new HttpClient(t.url);
    expect((await sec.login('sec')).status).toBe(200);
  });
  afterEach(async () => {
    await t.close();
  });

  it('X-3 X-4 a wrong current password and a taken user name are refused with codes, in Chinese under Accept-Language and in English by default', async () => {
    await t.seedUser('alice', ['operations_engineer']);
    const alice = new HttpClient(t.url);
    await alice.login('alice');
    const change = { currentPassword: 'not my password', newPassword: 'a new and long passphrase 7' };
    const wrong = await alice.request('POST', '/api/auth/password', change, ZH);
    expect(wrong.status).toBe(400);
    expect(expectChinese(wrong, { reasonCode: 'current_password_wrong' })).toBe('当前密码不正确');
    expect(wrong.body.error.details.fields).toEqual({ currentPassword: ['wrong password'] });
    const english = await alice.post('/api/auth/password', change);
    expect(english.body.error.message).toBe('The current password is wrong');

    const user = {
      username: 'alice',
      displayName: 'Alice',
      roles: ['auditor'],
      password: 'a long passphrase 12',
    };
    const taken = await sec.request('POST', '/api/users', user, ZH);
    expect(taken.status).toBe(409);
    expect(expectChinese(taken, { reasonCode: 'username_taken' })).toBe('用户名 alice 已被占用');
    expect(taken.body.error.details.reasons[0].params).toEqual({ username: 'alice' });
    expect(taken.body.error.details.fields).toEqual({ username: ['already taken'] });
    expect((await sec.post('/api/users', user)).body.error.message).toBe('The user name alice is taken');
  });

  it('X-3 X-4 RO-3 the password rules and separation of duties name each problem and each pair of roles in the reader’s language', async () => {
    const weak = { username: 'bob', displayName: 'Bob', roles: ['auditor'], password: 'bob-bob-bob-bob' };
    const rules = await sec.request('POST', '/api/users', weak, ZH);
    expect(rules.status).toBe(400);
    expect(expectChinese(rules, { reasonCode: 'password_rules_broken' })).toMatch(
      /^密码不符合密码规则：.*不能包含用户名/,
    );
    expect(rules.body.error.details.fields.password).toContain('must not contain the user name');
    expect((await sec.post('/api/users', weak)).body.error.message).toMatch(
      /^The password does not meet the password rules: .*must not contain the user name/,
    );

    const both = { username: 'carl', displayName: 'Carl', roles: ['system_administrator', 'auditor'] };
    const sod = await sec.request('POST', '/api/users', { ...both, password: 'a long passphrase 12' }, ZH);
    expect(sod.status).toBe(422);
    expect(
      expectChinese(sod, { ruleCode: 'separation_of_duties', reasonCode: 'roles_exclude_each_other' }),
    ).toBe('RO-3 职责分离：三员分立：同一用户不能同时担任系统管理员和审计员');
    expect(sod.body.error.details).toMatchObject({
      ruleCode: 'separation_of_duties',
      conflictingRoles: ['system_administrator', 'auditor'],
    });
    const english = await sec.post('/api/users', { ...both, password: 'a long passphrase 12' });
    expect(english.body.error.message).toBe(
      'Separation of duties: one user cannot be a system administrator and an auditor at once',
    );
  });

  it('X-3 X-4 a token scope beyond its owner and a directory account’s password are refused with their rule and reason as codes', async () => {
    await t.seedUser('alice', ['operations_engineer']);
    const alice = new HttpClient(t.url);
    await alice.login('alice');
    const token = { name: 'audit reader', scopes: ['audit.read'], expiresInDays: 30 };
    const beyond = await alice.request('POST', '/api/tokens', token, ZH);
    expect(beyond.status).toBe(422);
    expect(
      expectChinese(beyond, { ruleCode: 'token_scope_within_owner', reasonCode: 'scopes_beyond_owner' }),
    ).toBe(
      '令牌权限不超出其所有者的权限：令牌的权限范围不能超出所属用户本人拥有的权限：alice 没有 audit.read',
    );
    expect(beyond.body.error.details).toMatchObject({
      rule: 'token scope within owner permissions',
      missing: ['audit.read'],
    });
    expect((await alice.post('/api/tokens', token)).body.error.message).toBe(
      'A token can only carry permissions its owner holds; alice does not hold: audit.read',
    );

    // A directory account (made so in the database: no directory is needed to refuse this).
    const dora = await t.seedUser('dora', ['operations_engineer']);
    await t.database.db.kysely
      .updateTable('users')
      .set({ source: 'ldap', external_id: 'uid=dora,ou=people,dc=example,dc=com' })
      .where('id', '=', dora.id)
      .execute();
    const reset = { password: 'a brand new local password 1' };
    const directory = await sec.request('POST', `/api/users/${dora.id}/password`, reset, ZH);
    expect(directory.status).toBe(422);
    expect(
      expectChinese(directory, { ruleCode: 'x4_directory_account', reasonCode: 'password_in_directory' }),
    ).toBe('X-4 目录账户由目录维护：dora 通过目录登录，密码由企业目录管理');
    expect(directory.body.error.details).toMatchObject({ reason: 'password_in_directory' });
  });

  it('X-3 X-4 the last enabled security administrator is kept (a refusal only the CLI can reach), as codes', async () => {
    let error: unknown;
    try {
      await setUserDisabled(t.app.identity, cliContext(), secId, true);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DomainError);
    const refusal = error as DomainError;
    expect(refusal.code).toBe('policy_violation');
    expect(refusal.details).toMatchObject({ rule: 'last security administrator' });
    expect(refusal.reasons).toEqual([
      { code: 'last_security_administrator', reasonCode: 'last_security_administrator', params: {} },
    ]);
    expect(refusal.message).toBe('At least one enabled security administrator must remain');
    const [why] = refusal.reasons!;
    const chinese = `${ruleName('zh', why.code!)}：${renderReason('zh', { code: why.reasonCode, params: why.params } as Reason)}`;
    expect(chinese).toBe('最后一名安全管理员：系统中必须至少保留一个启用状态的安全管理员');
  });

  it('X-3 X-4 sign-in stays one vague answer: the same code whatever went wrong, in either language', async () => {
    const http = new HttpClient(t.url);
    const unknown = await http.request('POST', '/api/auth/login', { username: 'nobody', password: 'x' }, ZH);
    const wrong = await http.request('POST', '/api/auth/login', { username: 'sec', password: 'x' }, ZH);
    expect(unknown.status).toBe(401);
    expect(wrong.body).toEqual(unknown.body);
    expect(expectChinese(wrong, { reasonCode: 'bad_credentials' })).toBe(
      '用户名或密码错误。连续多次失败后账户会被暂时锁定，可请安全管理员解锁',
    );
    expect(wrong.body.error.details).toEqual({
      reason: 'bad_credentials',
      reasons: [{ reasonCode: 'bad_credentials', params: {} }],
    });
  });
});
