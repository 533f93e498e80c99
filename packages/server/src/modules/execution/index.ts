/** The execution module's public entry. */
export { MONITORING_POLL_JOB, approvedPlan } from './execution.service';
export { stepRunsOf, type StepRunRecord } from './execution.repository';
export { announceStepAtHand, stepTask } from './step.notices';
