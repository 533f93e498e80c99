import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/client';
import type { BodyOf } from '../../api/routes';
import type { SessionView, SetupStatus } from '../../api/types';

export type SetupInput = BodyOf<'/api/setup'>;

export function fetchSetupStatus(token: string): Promise<SetupStatus> {
  return api.GET('/api/setup/status', { params: { query: { token } }, redirectOn401: false });
}

export function completeSetup(input: SetupInput): Promise<SessionView> {
  return api.POST('/api/setup', { body: input, redirectOn401: false });
}

/** Whether first-run setup is open and the token valid; always asked afresh. */
export function useSetupStatus(token: string) {
  return useQuery({
    queryKey: ['setup-status', token],
    queryFn: () => fetchSetupStatus(token),
    staleTime: 0,
  });
}
