/** The policy module's public entry. */
export { policyInForce } from './policy.service';
export { findPolicy } from './policy.repository';
