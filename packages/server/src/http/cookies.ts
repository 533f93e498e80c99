import type { FastifyReply } from 'fastify';

export const SESSION_COOKIE = 'rg_session';
export const CSRF_COOKIE = 'rg_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/**
 * The session cookie is HttpOnly; the CSRF cookie is readable by the web app, which echoes it in
 * the X-CSRF-Token header on every unsafe request (double submit, checked against the session).
 */
export function setSessionCookies(
  reply: FastifyReply,
  publicUrl: string,
  tokens: { sessionToken: string; csrfToken: string },
) {
  const secure = publicUrl.startsWith('https:');
  reply.setCookie(SESSION_COOKIE, tokens.sessionToken, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
  });
  reply.setCookie(CSRF_COOKIE, tokens.csrfToken, { path: '/', httpOnly: false, sameSite: 'lax', secure });
}

export function clearSessionCookies(reply: FastifyReply) {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
  reply.clearCookie(CSRF_COOKIE, { path: '/' });
}

/** the pending sign-in between the password and the second factor; never a session. */
export const SECOND_FACTOR_COOKIE = 'rg_2fa';
const SECOND_FACTOR_PATH = '/api/auth';

export function setSecondFactorCookie(
  reply: FastifyReply,
  publicUrl: string,
  pending: { challengeToken: string; expiresAt: string },
) {
  reply.setCookie(SECOND_FACTOR_COOKIE, pending.challengeToken, {
    path: SECOND_FACTOR_PATH,
    httpOnly: true,
    sameSite: 'strict',
    secure: publicUrl.startsWith('https:'),
    expires: new Date(pending.expiresAt),
  });
}

export function clearSecondFactorCookie(reply: FastifyReply) {
  reply.clearCookie(SECOND_FACTOR_COOKIE, { path: SECOND_FACTOR_PATH });
}
