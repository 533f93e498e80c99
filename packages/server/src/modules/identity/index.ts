/** The identity module's public entry: reads other modules may make of users. */
export { countEnabledPeopleWithAnyRole, findUserByUsername, listPeople } from './identity.repository';
