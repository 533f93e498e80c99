/** The identity module's public entry: reads other modules may make of users. */
export {
  countEnabledPeopleWithAnyRole,
  enabledPeopleWithAnyRole,
  findUserByUsername,
  listPeople,
} from './identity.repository';
