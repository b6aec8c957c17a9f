import { readFileSync } from 'node:fs';
import type { Config } from '../config/config.js';
import type { Logger } from '../log/logger.js';
import type { Listening, TlsFiles } from '../runtime/listen.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { sqliteUnwritable } from '../store/writable.js';
import { banner } from './banner.js';
import { demoRetirementLine } from '../auth-server/demo-retirement.js';
import { buildAuthServer, buildMcpServer, buildOneOrigin } from './compose.js';
import { auditShared } from '../observability/audit.js';
import type { AuthorizationServer } from '../index.js';
import { clock, cliLogger, loadCliConfig, type CliIo } from './context.js';
import { startRefusal } from './start-refusals.js';

/** How often expired codes, tokens and keys are deleted. Keys are re-read every KEY_RELOAD_SECONDS (another instance may rotate). */
const PURGE_EVERY_MS = 10 * 60_000;
const UNUSED_REGISTRATION_SECONDS = 24 * 3600;

function parseOnly(args: string[]): 'auth' | 'mcp' | 'both' | 'one-origin' | Error {
  const i = args.indexOf('--only');
  const oneOrigin = args.includes('--one-origin');
  if (i === -1) return oneOrigin ? 'one-origin' : 'both';
  if (oneOrigin) return new Error('--one-origin serves both servers; it does not go with --only');
  const v = args[i + 1];
  return v === 'auth' || v === 'mcp' ? v : new Error('--only takes auth or mcp');
}

/**
 * `oauth-mcp start`: opens the store (migrating it), starts the servers, and on SIGINT/SIGTERM stops
 * accepting, lets in-flight requests finish and closes the database.
 */

/** How long after start the V8 code cache of a new build is written (scripts/run-bundle.cjs). */
const CODE_CACHE_DELAY_MS = 2000;
export async function runStartCommand(args: string[], io: CliIo): Promise<number> {
  const only = parseOnly(args);
  if (only instanceof Error) {
    io.stderr.write(`mcp-auth-server: ${only.message}\n`);
    return 2;
  }
  const config = loadCliConfig(io);
  const refusal = startRefusal(config, only);
  if (refusal) {
    io.stderr.write(`mcp-auth-server: refusing to start: ${refusal}\n`);
    return 2;
  }
  const tls = readTls(config, io);
  if (tls instanceof Error) return 2;
  if (config.databaseUrl.startsWith('sqlite:')) {
    const readOnly = sqliteUnwritable(config.databaseUrl.slice('sqlite:'.length));
    if (readOnly) {
      io.stderr.write(`mcp-auth-server: refusing to start: DATABASE_URL: ${readOnly}\n`);
      return 1;
    }
  }
  const logger = cliLogger(config);
  const store = await openStore(config.databaseUrl, { warn: (message) => logger.warn(message) });
  // Reads would work on a read-only database, and the first write would fail: refuse now, in one line.
  const unwritable = await store.ping().then(() => undefined, (err: Error) => err.message);
  if (unwritable) {
    await store.close();
    io.stderr.write(`mcp-auth-server: refusing to start: DATABASE_URL: ${unwritable}\n`);
    return 1;
  }
  const servers: Listening[] = [];
  const timers: NodeJS.Timeout[] = [];
  const cleanups: Array<() => Promise<void> | void> = [];
  const notices: string[] = [];
  try {
    // One audit queue and flow cache for both servers of this process.
    const base = { store, logger, clock, auditShared: auditShared({ store, logger }) };
    const at = (host: string, port: number) => ({ host, port, ...(tls && { tls }) });
    let auth: AuthorizationServer | undefined;
    if (only === 'one-origin') {
      // Both servers on the issuer's origin and port (docs/architecture.md, "One origin").
      const both = await buildOneOrigin(config, base);
      cleanups.push(both.close);
      auth = both.authorizationServer;
      servers.push(await bound('OAUTH_SERVER_PORT', config.authServer.port, both.listen(at(config.authServer.host, config.authServer.port))));
    }
    if (only === 'auth' || only === 'both') {
      auth = await buildAuthServer(config, base);
      cleanups.push(auth.close);
      servers.push(await bound('OAUTH_SERVER_PORT', config.authServer.port, auth.listen(at(config.authServer.host, config.authServer.port))));
    }
    if (auth) {
      const retired = demoRetirementLine(auth.demoRetirement);
      if (retired) notices.push(retired);
      const { reloadKeys: reload } = auth;
      const reloadKeys = () => void reload().catch((err: unknown) => logger.error({ err }, 'key reload failed'));
      timers.push(setInterval(reloadKeys, config.keyReloadSeconds * 1000));
      // `kill -HUP <pid>` re-reads the keys at once, e.g. right after `oauth-mcp keys rotate`.
      process.on('SIGHUP', reloadKeys);
      cleanups.push(() => void process.off('SIGHUP', reloadKeys));
      timers.push(setInterval(() => void purge(store, logger), PURGE_EVERY_MS));
    }
    if (only === 'mcp' || only === 'both') {
      const mcp = await buildMcpServer(config, base);
      cleanups.push(mcp.close);
      servers.push(await bound('MCP_SERVER_PORT', config.mcpServer.port, mcp.listen(at(config.mcpServer.host, config.mcpServer.port))));
    }
  } catch (err) {
    // Close what did open (the first server, timers, the SIGHUP handler, the database), so the process exits.
    for (const t of timers) clearInterval(t);
    await Promise.all(servers.map((s) => s.close(0)));
    for (const cleanup of cleanups) await Promise.resolve(cleanup()).catch(() => undefined);
    await store.close();
    throw err;
  }
  for (const t of timers) t.unref();
  io.stdout.write(banner(config, only, notices));
  // Set by scripts/run-bundle.cjs when the bundle (bin/oauth-mcp.js runs the start bundle) has no usable V8 code
  // cache: it saves one.
  // Not at once: writing it blocks for tens of milliseconds, and the first requests should not wait for that
  // (nor miss the cache: their code gets compiled first and saved with it). At shutdown if that comes sooner.
  const saveCodeCache = () => (globalThis as { __oauthMcpStarted?: () => void }).__oauthMcpStarted?.();
  timers.push(setTimeout(saveCodeCache, CODE_CACHE_DELAY_MS).unref());

  const signalled = await waitForSignal(logger);
  saveCodeCache(); // a no-op once saved
  for (const t of timers) clearInterval(t);
  await Promise.all(servers.map((s) => s.close()));
  for (const cleanup of cleanups) await cleanup();
  await store.close();
  logger.info('stopped');
  signalled.done();
  return 0;
}

/** Deletes expired rows, and public registrations that never completed a flow within a day (interop note 10). */
async function purge(store: Store, logger: Logger): Promise<void> {
  try {
    const now = clock();
    const expired = await store.purgeExpired(now);
    const clients = await store.purgeUnusedPublicClients(now - UNUSED_REGISTRATION_SECONDS);
    logger.debug({ expired, clients }, 'purged');
  } catch (err) {
    logger.error({ err }, 'purge failed');
  }
}

/** Reads the TLS files at start, so a wrong path stops start-up with one line, not the first request. */
function readTls(config: Config, io: CliIo): TlsFiles | undefined | Error {
  if (!config.tls) return undefined;
  const read = (variable: string, path: string): Buffer | Error => {
    try {
      return readFileSync(path);
    } catch (err) {
      io.stderr.write(`mcp-auth-server: configuration error: ${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code})\n`);
      return err as Error;
    }
  };
  const cert = read('TLS_CERT_FILE', config.tls.certFile);
  if (cert instanceof Error) return cert;
  const key = read('TLS_KEY_FILE', config.tls.keyFile);
  if (key instanceof Error) return key;
  return { cert, key };
}

/**
 * Resolves at the first SIGINT or SIGTERM. The handler stays while the shutdown runs, and after it until the process
 * exits: the same signal often comes twice, e.g. SIGTERM to `npm start`'s process group reaches node directly and
 * again through npm, which forwards it a moment later. Without a handler the second one would kill the process
 * halfway through its graceful close, or just after it, before the last log lines (pino writes them
 * asynchronously) reached stdout. Once `done` is called a further signal ends the process at once, with
 * process.exit, whose exit hooks flush the log. Signal handlers do not keep the process alive.
 */
function waitForSignal(logger: Logger): Promise<{ done: () => void }> {
  return new Promise((resolve) => {
    let stopping = false;
    let finished = false;
    // Once stopped, the process ends with process.exit (pino's exit hook flushes the log) instead of letting node
    // tear down on its own: that teardown puts back the default action of SIGTERM before the process is gone, so
    // a signal in that moment still killed it (1 of 20 runs of tests/e2e/repeated-signal.test.ts under load).
    const done = () => {
      finished = true;
      setImmediate(() => process.exit());
    };
    const stop = (signal: string) => {
      if (finished) process.exit();
      if (stopping) return logger.debug({ signal }, 'already shutting down');
      stopping = true;
      logger.info({ signal }, 'shutting down: finishing in-flight requests');
      resolve({ done });
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/**
 * Waits for a server to listen; a port that cannot be bound becomes one line naming that port's variable only
 * (the other server may have started fine, and is closed by the caller).
 */
async function bound(variable: string, port: number, listening: Promise<Listening>): Promise<Listening> {
  try {
    return await listening;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      throw new Error(`port ${port} is already in use (${variable}); stop the other process (lsof -i :${port}) or set ${variable} to a free port`);
    }
    if (e.code === 'EACCES') throw new Error(`port ${port} may not be bound by this user (${variable}); use a port above 1023`);
    throw err;
  }
}
