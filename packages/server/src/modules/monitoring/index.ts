/** The monitoring module's public entry: reads other modules may make of monitoring. */
export { feedbackOf, readingsOf, searchLogs } from './monitoring.repository';
