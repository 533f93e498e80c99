import '../../i18n/zh.account';
import type { TFunction } from 'i18next';
import { errorText } from '../../common/errors';

/**
 * Why a sign-in failed, in the user's language, from the refusal's codes. The server gives one
 * answer for a wrong password, an unknown user name and a locked account (X-4: it does not tell
 * which accounts exist or are locked); a disabled account is named only to whoever gave its right
 * password.
 */
export const loginErrorText = (t: TFunction, error: unknown): string => errorText(t, error);

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

/** The single sign-on reasons whose words are the catalog's own (the same refusal over the API). */
const CATALOG_REASONS: Partial<Record<(typeof SSO_ERRORS)[number], string>> = {
  state_mismatch: 'oidc_state_mismatch',
  state_expired: 'oidc_state_expired',
  state_used: 'oidc_state_used',
  provider_unavailable: 'oidc_provider_unavailable',
  no_mapped_role: 'no_mapped_role',
  disabled: 'account_disabled',
  identity_invalid: 'directory_identity_invalid',
};

/** Why a single sign-on was refused, from the reason code (and the colliding groups) in the URL. */
export function ssoErrorText(t: TFunction, code: string, groups: string | null): string {
  if (!(SSO_ERRORS as readonly string[]).includes(code))
    return t('login.ssoError.other', { code: code.slice(0, 40) });
  const reason = CATALOG_REASONS[code as (typeof SSO_ERRORS)[number]];
  return reason ? t(`catalog.reasons.${reason}`) : t(`login.ssoError.${code}`, { groups: groups ?? '' });
}
