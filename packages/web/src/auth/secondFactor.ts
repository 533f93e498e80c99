import { useQuery } from '@tanstack/react-query';
import { api } from '../api/client';
import type {
  SecondFactorEnrolment,
  SecondFactorPending,
  SecondFactorStatus,
  SessionView,
} from '../api/types';

/** X-4 two-step verification: the second step of a sign-in and one's own enrolment. */

export function isSecondFactorPending(view: SessionView | SecondFactorPending): view is SecondFactorPending {
  return 'secondFactorRequired' in view && view.secondFactorRequired === true;
}

/** What a person types as a 6-digit code: spaces (authenticator apps show "123 456") dropped. */
export function normaliseCode(text: string): string {
  return text.replace(/\s+/g, '');
}

export const CODE_PATTERN = /^[0-9]{6}$/;

export function completeSecondFactor(
  input: { code: string } | { recoveryCode: string },
): Promise<SessionView> {
  return api.POST('/api/auth/second-factor', { body: input, redirectOn401: false });
}

export const secondFactorQueryKey = ['second-factor'] as const;

export function fetchSecondFactor(): Promise<SecondFactorStatus> {
  return api.GET('/api/auth/second-factor');
}

/** One's own two-step verification, under one key for every screen that shows it. */
export function useSecondFactorStatus() {
  return useQuery({ queryKey: secondFactorQueryKey, queryFn: fetchSecondFactor });
}

export function startEnrolment(): Promise<SecondFactorEnrolment> {
  return api.POST('/api/auth/second-factor/enrolment');
}

export function confirmEnrolment(code: string): Promise<{ recoveryCodes: string[] }> {
  return api.POST('/api/auth/second-factor/confirm', { body: { code } });
}

export function disableSecondFactor(code: string): Promise<void> {
  return api.POST('/api/auth/second-factor/disable', { body: { code } });
}

/** New recovery codes; the old ones stop working. */
export function regenerateRecoveryCodes(code: string): Promise<{ recoveryCodes: string[] }> {
  return api.POST('/api/auth/second-factor/recovery-codes', { body: { code } });
}

/** The recovery codes as one text to copy or keep: one a line. */
export function recoveryCodesText(codes: readonly string[]): string {
  return codes.join('\n');
}
