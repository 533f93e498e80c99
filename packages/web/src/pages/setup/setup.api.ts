import { apiRequest } from '../../api/client';
import type { SessionView, SetupStatus } from '../../api/types';

export interface SetupInput {
  token: string;
  username: string;
  displayName: string;
  email: string | null;
  password: string;
}

export function fetchSetupStatus(token: string): Promise<SetupStatus> {
  return apiRequest<SetupStatus>('/api/setup/status', { query: { token }, redirectOn401: false });
}

export function completeSetup(input: SetupInput): Promise<SessionView> {
  return apiRequest<SessionView>('/api/setup', { method: 'POST', body: input, redirectOn401: false });
}
