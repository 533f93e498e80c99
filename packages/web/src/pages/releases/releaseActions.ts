import { createContext, useContext } from 'react';
import type { ActionAvailability, ReleaseAction, ReleaseDetail } from '../../api/types';

/** The release on screen, what the signed-in user may do with it (from the server), and how to do it. */
export interface ReleaseActions {
  release: ReleaseDetail;
  availability: (action: ReleaseAction) => ActionAvailability;
  run: (action: ReleaseAction) => void;
  running: ReleaseAction | null;
}

export const ReleaseActionsContext = createContext<ReleaseActions | null>(null);

export function useReleaseActions(): ReleaseActions {
  const value = useContext(ReleaseActionsContext);
  if (!value) throw new Error('useReleaseActions() outside <ReleaseActionsProvider>');
  return value;
}

/** Blocked only because the release is in another state: not the step at hand. */
export const onlyStateBlocked = (a: ActionAvailability) =>
  !a.allowed && a.blockers.length > 0 && a.blockers.every((b) => b.kind === 'state');
