import { expect } from 'vitest';
import { Secret, TOTP } from 'otpauth';
import type { HttpClient, TestApp } from './test-app';

/** The code an authenticator app shows for `secret` at the test clock's time. */
export const totpCode = (t: TestApp, secret: string) =>
  new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({
    timestamp: t.clock.now().getTime(),
  });

/** A 6-digit code that is not the current one. */
export const wrongTotpCode = (t: TestApp, secret: string, by = 7) =>
  String((Number(totpCode(t, secret)) + by) % 1_000_000).padStart(6, '0');

/** Moves the clock to the start of the next 30-second step, so the next code is a new one. */
export const nextTotpStep = (t: TestApp) => t.clock.advance(30_000 - (t.clock.now().getTime() % 30_000));

/** enrols the signed-in client in two-step verification; the secret and the recovery codes. */
export async function enrolSecondFactor(t: TestApp, http: HttpClient) {
  const started = await http.post('/api/auth/second-factor/enrolment');
  expect(started.status).toBe(200);
  const secret = started.body.secret as string;
  const confirmed = await http.post('/api/auth/second-factor/confirm', { code: totpCode(t, secret) });
  expect(confirmed.status).toBe(200);
  return { secret, recoveryCodes: confirmed.body.recoveryCodes as string[], started: started.body };
}
