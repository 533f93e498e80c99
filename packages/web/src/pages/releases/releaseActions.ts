import { createContext, useContext } from 'react';
import {
  RELEASE_ACTIONS,
  type ActionAvailability,
  type ReleaseAction,
  type ReleaseDetail,
} from '../../api/types';

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

export const RELEASE_TABS = [
  'overview',
  'assessment',
  'plan',
  'verification',
  'implementation',
  'monitoring',
  'rollback',
  'postrelease',
  'close',
  'knowledge',
  'audit',
] as const;
export type ReleaseTab = (typeof RELEASE_TABS)[number];

/**
 * Actions taken on one object inside a tab (a check, a step, a trigger), where they show their
 * blockers; from elsewhere they open that tab. The rest are the lifecycle steps of the action bar.
 */
export const TAB_OF_ACTION: Partial<Record<ReleaseAction, ReleaseTab>> = {
  record_check: 'verification',
  record_step: 'implementation',
  record_monitoring: 'monitoring',
  raise_trigger: 'rollback',
  decide_rollback: 'rollback',
  decide_continue: 'rollback',
  record_rollback_step: 'rollback',
  verify_restoration: 'rollback',
  complete_plan: 'plan',
  review_emergency: 'postrelease',
  record_verification: 'postrelease',
  sign_acceptance: 'postrelease',
  complete_cmdb_update: 'postrelease',
  archive: 'close',
  close_successful: 'close',
  close_failed: 'close',
  close_rolled_back: 'close',
};

export const BAR_ACTIONS: readonly ReleaseAction[] = RELEASE_ACTIONS.filter((a) => !TAB_OF_ACTION[a]);

/** Blocked only because the release is in another state: not the step at hand. */
export const onlyStateBlocked = (a: ActionAvailability) =>
  !a.allowed && a.blockers.length > 0 && a.blockers.every((b) => b.kind === 'state');

/** The plan's own actions, which the plan tab shows itself. */
export const PLAN_ACTIONS: readonly ReleaseAction[] = [
  'submit_plan',
  'approve_plan',
  'reject_plan',
  'revise_plan',
  'approve_completion',
];
