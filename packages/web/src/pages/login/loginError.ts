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
