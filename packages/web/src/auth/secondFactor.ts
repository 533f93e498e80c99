import { apiRequest } from '../api/client';
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
  return apiRequest<SessionView>('/api/auth/second-factor', {
    method: 'POST',
    body: input,
    redirectOn401: false,
  });
}

export const secondFactorQueryKey = ['second-factor'] as const;

export function fetchSecondFactor(): Promise<SecondFactorStatus> {
  return apiRequest<SecondFactorStatus>('/api/auth/second-factor');
}

export function startEnrolment(): Promise<SecondFactorEnrolment> {
  return apiRequest<SecondFactorEnrolment>('/api/auth/second-factor/enrolment', { method: 'POST' });
}

export function confirmEnrolment(code: string): Promise<{ recoveryCodes: string[] }> {
  return apiRequest<{ recoveryCodes: string[] }>('/api/auth/second-factor/confirm', {
    method: 'POST',
    body: { code },
  });
}

export function disableSecondFactor(code: string): Promise<void> {
  return apiRequest<void>('/api/auth/second-factor/disable', { method: 'POST', body: { code } });
}

/** The recovery codes as one text to copy or keep: one a line. */
export function recoveryCodesText(codes: readonly string[]): string {
  return codes.join('\n');
}
