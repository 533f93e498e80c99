/** The change module's public entry: reads other modules may make of changes. */
export { findChangesByIds, votesOf } from './change.repository';
