/** The gate module's public entry. */
export { gateFactsOf } from './gate.facts';
