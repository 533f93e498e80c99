import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import type { TFunction } from 'i18next';
import { isApiError, type ApiError } from '../api/client';

function roleList(t: TFunction, value: unknown): string {
  const roles = Array.isArray(value) ? value.map(String) : [];
  return roles.map((r) => t(`roles.${r}`, { defaultValue: r })).join(t('rules.and'));
}

/** Known refusals in the user's language; the server's own message for everything else. */
export function errorText(t: TFunction, error: unknown): string {
  if (!isApiError(error)) return error instanceof Error ? error.message : String(error);
  return apiErrorText(t, error);
}

function apiErrorText(t: TFunction, error: ApiError): string {
  const rule = error.detail('rule');
  if (error.code === 'network_error') return t('errors.network');
  if (error.code === 'internal_error') {
    const requestId = error.detail('requestId');
    return t('errors.internal', { requestId: typeof requestId === 'string' ? requestId : '' });
  }
  if (error.reason === 'csrf') return t('errors.csrf');
  if (error.reason === 'password_expired') return t('errors.passwordExpired');
  if (rule === 'RO-3 separation of duties')
    return t('rules.separationOfDuties', { roles: roleList(t, error.detail('conflictingRoles')) });
  if (rule === 'last security administrator') return t('rules.lastSecurityAdministrator');
  if (rule === 'no self-disable') return t('rules.noSelfDisable');
  if (rule === 'token scope within owner permissions') return t('rules.tokenScope');
  if (rule === 'DS-1 approved versions are immutable') return t('rules.dslImmutable');
  if (rule === 'four eyes') return t('rules.fourEyes');
  if (rule === 'DSL version state') return t('rules.dslState');
  if (rule === 'DSL external reference') return t('rules.dslExternal');
  if (rule === 'DS-3 integrity') return t('rules.dslIntegrity');
  if (rule === 'DSL upload size limit') {
    const maxBytes = error.detail('maxBytes');
    return t('rules.dslTooLarge', {
      mb: typeof maxBytes === 'number' ? Math.round(maxBytes / 1048576) : '?',
    });
  }
  if (rule === 'retired CIs are read-only' || rule === 'retire once') return t('rules.ciRetired');
  if (error.code === 'forbidden') return t('errors.forbidden');
  return error.message;
}

/** A function that turns any error into one line for the user. */
export function useErrorText(): (error: unknown) => string {
  const { t } = useTranslation();
  return useCallback((error: unknown) => errorText(t, error), [t]);
}
