import type { TFunction } from 'i18next';
import { isApiError } from '../../api/client';
import { formatTime } from '../../common/format';
import { errorText } from '../../common/errors';

/** Why a sign-in failed, in the user's language: wrong credentials, locked until when, disabled. */
export function loginErrorText(t: TFunction, error: unknown): string {
  if (isApiError(error)) {
    if (error.code === 'locked') {
      const until = error.detail('lockedUntil');
      return t('login.locked', { time: typeof until === 'string' ? formatTime(until) : '' });
    }
    if (error.reason === 'bad_credentials') return t('login.badCredentials');
    if (error.reason === 'disabled') return t('login.disabled');
  }
  return errorText(t, error);
}
