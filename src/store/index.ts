/** The store as a public entry: one database for the servers and the user's program. */
export { openStore, migrate, dialectOf, type OpenStoreOptions } from './open-store.js';
export type { Store } from './store.js';
export type * from './records.js';
