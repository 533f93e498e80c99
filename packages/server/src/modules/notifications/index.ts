/** The notifications module's public entry: how other modules notify and name to-dos. */
export { notify, todoKey } from './notify';
