/** The rollback module's public entry: raising a trigger and the reads other modules may make. */
export { raiseTriggerIn } from './rollback.service';
export {
  countOpenTriggers,
  problemsOf,
  restorationChecksOf,
  rollbackDecided,
  triggersOf,
} from './rollback.repository';
