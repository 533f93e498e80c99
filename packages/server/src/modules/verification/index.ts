/** The verification (checklist) module's public entry. */
export { checklistState } from './checklist.state';
export { checksOf } from './checklist.repository';
