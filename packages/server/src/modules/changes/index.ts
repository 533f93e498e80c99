/** The change module's public entry: reads other modules may make of changes. */
export { findChange, findChangesByIds, votesOf } from './change.repository';
