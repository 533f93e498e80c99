/** The DSL module's public entry: reads other modules may make of DSL versions. */
export { findVersion as findDslVersion } from './dsl.repository';
