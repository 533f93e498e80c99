/** The measures module's public entry. */
export { recordReleaseOutcome } from './measures.repository';
