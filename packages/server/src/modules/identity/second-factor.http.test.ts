import { afterEach, describe, expect, it } from 'vitest';
import { DIALECTS } from '../../test/databases';
import { HttpClient, startTestApp, type TestApp } from '../../test/test-app';
import {
  wrongTotpCode,
  enrolSecondFactor as enrol,
  nextTotpStep as nextStep,
  totpCode as codeFor,
} from '../../test/second-factor';

const auditActions = async (t: TestApp) =>
  (
    await t.database.db.kysely
      .selectFrom('audit_events')
      .select(['action', 'outcome', 'entity_id', 'details_json'])
      .orderBy('seq')
      .execute()
  ).map((e) => ({
    ...e,
    details: e.details_json ? (JSON.parse(e.details_json) as Record<string, unknown>) : {},
  }));

describe.each(DIALECTS)('X-4 two-step verification (TOTP) on %s', (dialect) => {
  let t: TestApp;
  afterEach(async () => {
    await t?.close();
  });

  /** A server where alice has enrolled two-step verification (from a sign-in of her own). */
  const aliceEnrolled = async (env: Record<string, string> = {}) => {
    t = await startTestApp(dialect, env);
    await t.seedUser('alice', ['operations_engineer']);
    const setup = new HttpClient(t.url);
    await setup.login('alice');
    return enrol(t, setup);
  };

  it('X-4 enrolment: a QR code and otpauth URI, a current code confirms it, 10 recovery codes shown once; the secret is stored sealed', async () => {
    t = await startTestApp(dialect);
    const alice = await t.seedUser('alice', ['operations_engineer']);
    const http = new HttpClient(t.url);
    await http.login('alice');
    expect((await http.get('/api/auth/second-factor')).body).toEqual({
      enabled: false,
      confirmedAt: null,
      pending: false,
      recoveryCodesLeft: 0,
      required: false,
    });
    const { secret, recoveryCodes, started } = await enrol(t, http);
    expect(started.uri).toMatch(/^otpauth:\/\/totp\/ReleaseGate:alice\?/);
    expect(started.uri).toContain(`secret=${secret}`);
    expect(started.qrDataUrl).toMatch(/^data:image\/png;base64,/);
    expect(recoveryCodes).toHaveLength(10);
    expect(new Set(recoveryCodes).size).toBe(10);

    const status = (await http.get('/api/auth/second-factor')).body;
    expect(status).toMatchObject({ enabled: true, pending: false, recoveryCodesLeft: 10 });
    expect((await http.get('/api/auth/session')).body.user.secondFactor).toBe(true);
    // Never shown again: a new enrolment is refused while one is on.
    const again = await http.post('/api/auth/second-factor/enrolment');
    expect(again.status).toBe(409);
    expect(again.body.error.details).toMatchObject({
      ruleCode: 'x4_second_factor',
      reason: 'already_enabled',
    });

    const row = await t.database.db.kysely
      .selectFrom('users')
      .select(['totp_secret'])
      .where('id', '=', alice.id)
      .executeTakeFirstOrThrow();
    expect(row.totp_secret).toMatch(/^enc:v1:/);
    expect(row.totp_secret).not.toContain(secret);
    const stored = await t.database.db.kysely.selectFrom('recovery_codes').select('code_hash').execute();
    expect(stored).toHaveLength(10);
    for (const code of recoveryCodes) expect(stored.map((s) => s.code_hash)).not.toContain(code);

    const actions = (await auditActions(t)).map((e) => `${e.action} ${e.outcome}`);
    expect(actions).toContain('identity.second_factor_enrol success');
    expect(actions).toContain('identity.second_factor_confirm success');
  });

  it('X-4 a wrong code does not confirm the enrolment, and the refusal is audited', async () => {
    t = await startTestApp(dialect);
    await t.seedUser('alice', ['operations_engineer']);
    const http = new HttpClient(t.url);
    await http.login('alice');
    const started = await http.post('/api/auth/second-factor/enrolment');
    const right = codeFor(t, started.body.secret as string);
    const wrong = String((Number(right) + 1) % 1_000_000).padStart(6, '0');
    const refused = await http.post('/api/auth/second-factor/confirm', { code: wrong });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.fieldProblems).toEqual({
      code: [{ code: 'totp_code_wrong', params: {} }],
    });
    const malformed = await http.post('/api/auth/second-factor/confirm', { code: '12ab' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.details.fieldProblems.code[0].code).toBe('totp_code_format');
    expect((await http.get('/api/auth/second-factor')).body).toMatchObject({ enabled: false, pending: true });
    const events = (await auditActions(t)).filter(
      (e) => e.action === 'identity.second_factor_confirm' && e.outcome === 'denied',
    );
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ outcome: 'denied', details: { reason: 'wrong_code' } });
  });

  it('X-4 sign-in: after the password a second step is required and no session is granted before it; a code used in its step is refused (replay)', async () => {
    const { secret } = await aliceEnrolled();
    nextStep(t);

    const http = new HttpClient(t.url);
    const first = await http.login('alice');
    expect(first.status).toBe(202);
    expect(first.body).toEqual({ secondFactorRequired: true, expiresAt: expect.any(String) });
    expect(http.cookie('rg_session')).toBeUndefined();
    expect(http.cookie('rg_2fa')).toBeTruthy();
    expect((await http.get('/api/auth/session')).status).toBe(401);
    expect((await http.get('/api/releases')).status).toBe(401);

    const code = codeFor(t, secret);
    const wrong = await http.post('/api/auth/second-factor', {
      code: String((Number(code) + 7) % 1_000_000).padStart(6, '0'),
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.error.details).toMatchObject({
      ruleCode: 'x4_second_factor',
      reason: 'second_factor_refused',
      fieldProblems: { code: [{ code: 'totp_code_wrong', params: {} }] },
    });
    expect(http.cookie('rg_session')).toBeUndefined();

    const accepted = await http.post('/api/auth/second-factor', { code });
    expect(accepted.status).toBe(200);
    expect(accepted.body.user.username).toBe('alice');
    expect(http.cookie('rg_session')).toBeTruthy();
    expect(http.cookie('rg_2fa')).toBeUndefined();
    expect((await http.get('/api/auth/session')).status).toBe(200);

    // The same code again, in the same 30-second step, from a new sign-in: refused.
    const other = new HttpClient(t.url);
    expect((await other.login('alice')).status).toBe(202);
    const replay = await other.post('/api/auth/second-factor', { code });
    expect(replay.status).toBe(401);
    expect(replay.body.error.details.fieldProblems).toEqual({
      code: [{ code: 'totp_code_used', params: {} }],
    });
    nextStep(t);
    expect((await other.post('/api/auth/second-factor', { code: codeFor(t, secret) })).status).toBe(200);

    const events = await auditActions(t);
    const verified = events.filter((e) => e.action === 'identity.second_factor_verify');
    const refusals = verified.filter((e) => e.outcome === 'denied');
    expect(refusals.map((e) => e.details.reason)).toEqual(['wrong_code', 'replayed_code']);
    expect(verified.filter((e) => e.outcome === 'success')).toHaveLength(2);
    expect(events.filter((e) => e.action === 'identity.second_factor_request')).toHaveLength(2);
    const logins = events.filter((e) => e.action === 'identity.login' && e.outcome === 'success');
    expect(logins.at(-1)!.details).toEqual({ secondFactor: 'totp' });
  });

  it('X-4 wrong codes count toward the lockout: the pending sign-in ends and the password alone does not reset the count', async () => {
    const { secret } = await aliceEnrolled({ LOCKOUT_THRESHOLD: '3' });
    const wrongCode = () => String((Number(codeFor(t, secret)) + 11) % 1_000_000).padStart(6, '0');

    const http = new HttpClient(t.url);
    expect((await http.login('alice')).status).toBe(202);
    expect((await http.post('/api/auth/second-factor', { code: wrongCode() })).status).toBe(401);
    expect((await http.post('/api/auth/second-factor', { code: wrongCode() })).status).toBe(401);
    // A right password again does not start the count over.
    expect((await http.login('alice')).status).toBe(202);
    const third = await http.post('/api/auth/second-factor', { code: wrongCode() });
    expect(third.status).toBe(401);
    expect(third.body.error.details.reason).toBe('second_factor_expired');
    // Locked: even the right password is refused now, with the one answer.
    expect((await http.login('alice')).body.error.details.reason).toBe('bad_credentials');
    const locked = (await auditActions(t)).filter((e) => e.action === 'identity.lock_account');
    expect(locked).toHaveLength(1);
  });

  it('X-4 a recovery code signs in once; used again it is refused', async () => {
    const { recoveryCodes } = await aliceEnrolled();

    const http = new HttpClient(t.url);
    expect((await http.login('alice')).status).toBe(202);
    // Typed in capitals, without the dash: still the same code.
    const typed = recoveryCodes[3].toUpperCase().replace('-', '');
    expect((await http.post('/api/auth/second-factor', { recoveryCode: typed })).status).toBe(200);
    expect((await http.get('/api/auth/second-factor')).body.recoveryCodesLeft).toBe(9);

    const again = new HttpClient(t.url);
    expect((await again.login('alice')).status).toBe(202);
    const reused = await again.post('/api/auth/second-factor', { recoveryCode: recoveryCodes[3] });
    expect(reused.status).toBe(401);
    expect(reused.body.error.details.fieldProblems).toEqual({
      recoveryCode: [{ code: 'recovery_code_wrong', params: {} }],
    });
    const both = await again.post('/api/auth/second-factor', {});
    expect(both.status).toBe(400);

    const events = await auditActions(t);
    expect(events.filter((e) => e.action === 'identity.recovery_code_use')).toEqual([
      expect.objectContaining({ details: { left: 9 } }),
    ]);
    expect(
      events
        .filter((e) => e.action === 'identity.second_factor_verify' && e.outcome === 'denied')
        .map((e) => e.details.reason),
    ).toEqual(['wrong_recovery_code']);
  });

  it('X-4 new recovery codes need a current code: the old ones stop working, the new ones sign in; a wrong code changes nothing', async () => {
    const { recoveryCodes, secret } = await aliceEnrolled();
    const http = new HttpClient(t.url);
    expect((await http.login('alice')).status).toBe(202);
    expect((await http.post('/api/auth/second-factor', { recoveryCode: recoveryCodes[0] })).status).toBe(200);

    const wrong = await http.post('/api/auth/second-factor/recovery-codes', {
      code: wrongTotpCode(t, secret),
    });
    expect(wrong.status).toBe(400);
    expect((await http.get('/api/auth/second-factor')).body.recoveryCodesLeft).toBe(9);

    nextStep(t);
    const fresh = await http.post('/api/auth/second-factor/recovery-codes', { code: codeFor(t, secret) });
    expect(fresh.status).toBe(200);
    const renewed = fresh.body.recoveryCodes as string[];
    expect(renewed).toHaveLength(10);
    expect(renewed.some((c) => recoveryCodes.includes(c))).toBe(false);
    expect((await http.get('/api/auth/second-factor')).body.recoveryCodesLeft).toBe(10);

    const old = new HttpClient(t.url);
    expect((await old.login('alice')).status).toBe(202);
    expect((await old.post('/api/auth/second-factor', { recoveryCode: recoveryCodes[1] })).status).toBe(401);
    const current = new HttpClient(t.url);
    expect((await current.login('alice')).status).toBe(202);
    expect((await current.post('/api/auth/second-factor', { recoveryCode: renewed[0] })).status).toBe(200);

    const events = (await auditActions(t)).filter((e) => e.action === 'identity.recovery_codes_regenerate');
    expect(events.map((e) => [e.outcome, e.details.reason ?? e.details.replaced])).toEqual([
      ['denied', 'wrong_code'],
      ['success', 9],
    ]);
  });

  it('X-4 a forged or expired pending sign-in is refused, and none opens a session', async () => {
    const { secret } = await aliceEnrolled();
    nextStep(t);

    const forged = await fetch(`${t.url}/api/auth/second-factor`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'rg_2fa=forged-token-of-no-sign-in' },
      body: JSON.stringify({ code: codeFor(t, secret) }),
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.getSetCookie().join(';')).not.toContain('rg_session=');
    const body = (await forged.json()) as { error: { details: { reason: string; ruleCode: string } } };
    expect(body.error.details).toMatchObject({
      reason: 'second_factor_expired',
      ruleCode: 'x4_second_factor',
    });
    // No cookie at all.
    expect(
      (await new HttpClient(t.url).post('/api/auth/second-factor', { code: codeFor(t, secret) })).status,
    ).toBe(401);

    const http = new HttpClient(t.url);
    expect((await http.login('alice')).status).toBe(202);
    t.clock.advance(5 * 60_000 + 1);
    const expired = await http.post('/api/auth/second-factor', { code: codeFor(t, secret) });
    expect(expired.status).toBe(401);
    expect(expired.body.error.details.reason).toBe('second_factor_expired');
    expect(http.cookie('rg_session')).toBeUndefined();

    const reasons = (await auditActions(t))
      .filter((e) => e.action === 'identity.second_factor_verify' && e.outcome === 'denied')
      .map((e) => e.details.reason);
    expect(reasons).toEqual(['unknown_challenge', 'no_challenge', 'challenge_expired']);
  });

  it('X-4 turning it off needs a current code', async () => {
    t = await startTestApp(dialect);
    await t.seedUser('alice', ['operations_engineer']);
    const http = new HttpClient(t.url);
    await http.login('alice');
    const { secret } = await enrol(t, http);
    nextStep(t);
    const right = codeFor(t, secret);
    const wrong = await http.post('/api/auth/second-factor/disable', {
      code: String((Number(right) + 3) % 1_000_000).padStart(6, '0'),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.details.fieldProblems.code[0].code).toBe('totp_code_wrong');
    expect((await http.post('/api/auth/second-factor/disable', {})).status).toBe(400);
    expect((await http.get('/api/auth/second-factor')).body.enabled).toBe(true);

    expect((await http.post('/api/auth/second-factor/disable', { code: right })).status).toBe(204);
    expect((await http.get('/api/auth/second-factor')).body).toMatchObject({
      enabled: false,
      recoveryCodesLeft: 0,
    });
    expect(await t.database.db.kysely.selectFrom('recovery_codes').selectAll().execute()).toEqual([]);
    // The password alone signs in again.
    expect((await new HttpClient(t.url).login('alice')).status).toBe(200);
    const actions = (await auditActions(t)).map((e) => `${e.action} ${e.outcome}`);
    expect(actions).toContain('identity.second_factor_disable denied');
    expect(actions).toContain('identity.second_factor_disable success');
  });

  it("X-4 the security administrator resets someone else's second factor, audited; never their own", async () => {
    t = await startTestApp(dialect);
    const sec = await t.seedUser('sec', ['security_administrator']);
    const alice = await t.seedUser('alice', ['operations_engineer']);
    const own = new HttpClient(t.url);
    await own.login('alice');
    await enrol(t, own);

    const admin = new HttpClient(t.url);
    await admin.login('sec');
    expect((await admin.get(`/api/users/${alice.id}`)).body.secondFactor).toBe(true);
    const self = await admin.post(`/api/users/${sec.id}/second-factor/reset`);
    expect(self.status).toBe(403);
    expect(self.body.error.details.ruleCode).toBe('x4_second_factor_reset_by_another');
    // Not the administrator's to do for others without user.manage.
    expect((await own.post(`/api/users/${sec.id}/second-factor/reset`)).status).toBe(403);

    expect((await admin.post(`/api/users/${alice.id}/second-factor/reset`)).status).toBe(204);
    expect((await admin.get(`/api/users/${alice.id}`)).body.secondFactor).toBe(false);
    expect((await new HttpClient(t.url).login('alice')).status).toBe(200);
    const resets = (await auditActions(t)).filter((e) => e.action === 'user.second_factor_reset');
    // The refused self-reset and the engineer's refused call are on the record with the user they
    // named, then the reset.
    expect(resets.map((e) => [e.outcome, e.entity_id])).toEqual([
      ['denied', sec.id],
      ['denied', sec.id],
      ['success', alice.id],
    ]);
    expect(resets[0].details).toMatchObject({
      details: { rule: 'X-4 a second factor is reset by another security administrator' },
    });
    expect(resets[2].details).toMatchObject({ username: 'alice', method: 'totp' });
  });

  it('X-4 strict profile: an administrator must enrol before anything else; every other call is refused with a named rule', async () => {
    t = await startTestApp(dialect, { PASSWORD_PROFILE: 'strict' });
    await t.seedUser('sec', ['security_administrator'], 'Str0ng!Passphrase');
    await t.seedUser('eve', ['operations_engineer'], 'Str0ng!Passphrase');
    const http = new HttpClient(t.url);
    const signedIn = await http.login('sec', 'Str0ng!Passphrase');
    expect(signedIn.status).toBe(200);
    expect(signedIn.body.mustEnrolSecondFactor).toBe(true);
    expect((await http.get('/api/auth/session')).body.mustEnrolSecondFactor).toBe(true);
    for (const refused of [
      await http.get('/api/users'),
      await http.get('/api/releases'),
      await http.post('/api/users', {}),
    ]) {
      expect(refused.status).toBe(422);
      expect(refused.body.error.details).toMatchObject({
        ruleCode: 'x4_second_factor_required',
        reason: 'second_factor_required',
      });
    }
    expect((await http.get('/api/auth/second-factor')).body.required).toBe(true);
    await enrol(t, http);
    expect((await http.get('/api/auth/session')).body.mustEnrolSecondFactor).toBe(false);
    expect((await http.get('/api/users')).status).toBe(200);

    // An engineer is not obliged.
    const eve = new HttpClient(t.url);
    expect((await eve.login('eve', 'Str0ng!Passphrase')).body.mustEnrolSecondFactor).toBe(false);
    const refusals = (await auditActions(t)).filter(
      (e) =>
        e.outcome === 'denied' &&
        (e.details.details as { rule?: string } | undefined)?.rule ===
          'X-4 administrators sign in with a second factor',
    );
    expect(refusals.length).toBeGreaterThanOrEqual(3);
  });
});
