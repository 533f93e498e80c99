/** The identity module's public entry: reads other modules may make of users. */
export { findUserByUsername, listPeople } from './identity.repository';
