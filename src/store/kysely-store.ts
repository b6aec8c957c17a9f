import type { Kysely } from 'kysely';
import { auditStore } from './kysely/audit.js';
import { clientStore } from './kysely/clients.js';
import { clientRegistrationStore } from './kysely/client-registrations.js';
import { codeStore } from './kysely/codes.js';
import { itemStore } from './kysely/data-items.js';
import { grantStore } from './kysely/grants.js';
import { housekeeping } from './kysely/housekeeping.js';
import { identityStore } from './kysely/identities.js';
import { registrationAccessStore } from './kysely/registration-access.js';
import { keyStore } from './kysely/signing-keys.js';
import { tokenStore } from './kysely/tokens.js';
import { userStore } from './kysely/users.js';
import { webStore } from './kysely/web.js';
import type { Database } from './schema.js';
import type { SqliteReader } from './sqlite.js';
import type { Store } from './store.js';

// The class's members are those of Store, set in the constructor from one module per area (kysely/).
export interface KyselyStore extends Store {}

/** The Store over Kysely; the same code serves SQLite and PostgreSQL. */
export class KyselyStore implements Store {
  constructor(db: Kysely<Database>, dialect: Store['dialect'], sqlitePath?: string, reader?: SqliteReader) {
    // Typed as Store, so a method missing from the areas fails to compile.
    const store: Store = {
      dialect,
      ...clientStore(db),
      ...clientRegistrationStore(db),
      ...userStore(db),
      ...grantStore(db),
      ...codeStore(db, dialect),
      ...tokenStore(db, dialect),
      ...keyStore(db, dialect),
      ...itemStore(db, reader),
      ...webStore(db),
      ...auditStore(db),
      ...identityStore(db),
      ...registrationAccessStore(db),
      ...housekeeping(db, { dialect, sqlitePath }, reader),
    };
    Object.assign(this, store);
  }
}
