/** What other features may use of roles; everything else in src/roles/ is its own business. */
export { builtinRoleId } from './builtin.js';
export { type Permission } from './catalogue.js';
