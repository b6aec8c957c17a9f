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
import type { DirectStatements } from './direct.js';
import type { Database } from './schema.js';
import type { SqliteReader } from './sqlite.js';
import type { Store } from './store.js';

// The class's members are those of Store, set in the constructor from one module per area (kysely/).
export interface KyselyStore extends Store {}

/** What a store is opened with besides Kysely: from sqlite.ts or postgres.ts (open-store.ts). */
export interface KyselyStoreParts {
  /** The hottest statements' runner, on the same connection or pool as `db` (direct.ts). */
  direct: DirectStatements;
  sqlitePath?: string | undefined;
  /** SQLite files: the read-only connection of the data items (sqlite.ts). */
  reader?: SqliteReader | undefined;
}

/** The Store over Kysely; the same code serves SQLite and PostgreSQL. */
export class KyselyStore implements Store {
  constructor(db: Kysely<Database>, { direct, sqlitePath, reader }: KyselyStoreParts) {
    const dialect = direct.dialect;
    // Typed as Store, so a method missing from the areas fails to compile.
    const store: Store = {
      dialect,
      ...clientStore(db, direct),
      ...clientRegistrationStore(db, direct),
      ...userStore(db),
      ...grantStore(db, direct),
      ...codeStore(db, direct),
      ...tokenStore(db, direct),
      ...keyStore(db, dialect),
      ...itemStore(db, reader),
      ...webStore(db),
      ...auditStore(db, direct),
      ...identityStore(db),
      ...registrationAccessStore(db),
      ...housekeeping(db, { dialect, sqlitePath }, reader, direct),
    };
    Object.assign(this, store);
  }
}
