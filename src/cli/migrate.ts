import { openStore } from '../store/open-store.js';
import { loadCliConfig, type CliIo } from './context.js';

/** `oauth-mcp migrate`: applies pending migrations and exits (for deployments that migrate once, apart). */
export async function runMigrateCommand(io: CliIo): Promise<number> {
  const config = loadCliConfig(io);
  const store = await openStore(config.databaseUrl);
  await store.close();
  io.stdout.write(`database schema is up to date (${store.dialect})\n`);
  return 0;
}
