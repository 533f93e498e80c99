/** The plans module's public entry: conflicts and the reads other modules may make of plans. */
export { planConflicts } from './plan.conflicts';
export {
  approvedPlanOf,
  approverIdsOf,
  commentsOf,
  freezesOverlapping,
  latestPlan,
  plansOf,
  type PlanVersion,
} from './plan.repository';
