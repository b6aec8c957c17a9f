import type { Migration, MigrationProvider } from 'kysely';
import { initial } from './001-initial.js';
import { web } from './002-web.js';
import { audit } from './003-audit.js';
import { rateLimits } from './004-rate-limits.js';
import { grantFlows } from './005-grant-flows.js';
import { identities } from './007-identities.js';
import { registrationAccess } from './006-registration-access.js';
import { dpop } from './008-dpop.js';

/** Versioned migrations, applied in name order at start. Add a new file; never edit one that has shipped. */
export function migrationProvider(dialect: 'sqlite' | 'postgres'): MigrationProvider {
  return {
    async getMigrations(): Promise<Record<string, Migration>> {
      return { '001-initial': initial(dialect), '002-web': web(dialect), '003-audit': audit(dialect), '004-rate-limits': rateLimits(dialect), '005-grant-flows': grantFlows(), '006-registration-access': registrationAccess(dialect), '007-identities': identities(dialect), '008-dpop': dpop(dialect) };
    },
  };
}
