import type { TFunction } from 'i18next';
import { isApiError } from '../../api/client';
import { errorText } from '../../common/errors';

/**
 * Why a sign-in failed, in the user's language. The server gives one answer for a wrong password,
 * an unknown user name and a locked account (X-4: it does not tell which accounts exist or are
 * locked); a disabled account is named only to whoever gave its right password.
 */
export function loginErrorText(t: TFunction, error: unknown): string {
  if (isApiError(error)) {
    if (error.reason === 'bad_credentials') return t('login.badCredentials');
    if (error.reason === 'disabled') return t('login.disabled');
    if (error.reason === 'second_factor_expired') return t('login.secondFactorExpired');
  }
  return errorText(t, error);
}

/** X-4 single sign-on: the reasons the server puts in `/login?error=…`, each with its own text. */
const SSO_ERRORS = [
  'state_mismatch',
  'state_expired',
  'state_used',
  'provider_error',
  'code_rejected',
  'id_token_invalid',
  'claims_missing',
  'provider_unavailable',
  'no_mapped_role',
  'groups_collide',
  'disabled',
  'username_taken',
  'identity_invalid',
] as const;

/** Why a single sign-on was refused, from the reason code (and the colliding groups) in the URL. */
export function ssoErrorText(t: TFunction, code: string, groups: string | null): string {
  const known = (SSO_ERRORS as readonly string[]).includes(code);
  return known
    ? t(`login.ssoError.${code}`, { groups: groups ?? '' })
    : t('login.ssoError.other', { code: code.slice(0, 40) });
}
