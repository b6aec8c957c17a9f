import { systemClock } from '../clock.js';
import { KeyRing } from '../keys/key-ring.js';
import { createLogger } from '../log/logger.js';
import { emit, type AuthEvent } from '../events/events.js';
import { AuditLog } from '../observability/audit.js';
import { auditEventSink } from '../observability/audit-events.js';
import { signingDelaySeconds } from '../keys/signing-delay.js';
import { openStore } from '../store/open-store.js';
import type { Store } from '../store/store.js';
import { loadCliConfig, type CliIo } from './context.js';

/**
 * Emits a key event to the audit trail's sink, the one the servers' handlers use (observability/audit-events.ts),
 * and waits until its row is written: the command exits right after. The trail's log goes to stderr at warn, so
 * stdout stays this command's answer.
 */
async function emitAndFlush(store: Store, event: Extract<AuthEvent, { type: 'keys.rotated' | 'keys.reset' }>): Promise<void> {
  const audit = new AuditLog({ store, clock: systemClock, logger: createLogger('warn', process.stderr) });
  await emit(auditEventSink(audit, store, systemClock), event);
  await audit.flush();
}

/**
 * `mcp-auth-server keys reset --yes`: new signing keys under the current SECRET_KEY, every grant revoked. Without --yes it
 * only says what it would do.
 */
async function resetKeys(store: Store, args: string[], io: CliIo): Promise<number> {
  if (!args.includes('--yes')) {
    io.stderr.write(
      'mcp-auth-server keys reset deletes every signing key, makes a new one under the current SECRET_KEY and revokes every grant:\n' +
        'every access and refresh token issued so far stops working, and every client must sign in again.\n' +
        'Run `mcp-auth-server keys reset --yes` to do it.\n',
    );
    return 2;
  }
  const { kid, grantsRevoked } = await KeyRing.reset({ store, secretKey: loadCliConfig(io).secretKey, clock: systemClock });
  await emitAndFlush(store, { type: 'keys.reset', kid, grantsRevoked });
  io.stdout.write(
    `signing keys reset: new key ${kid}; ${grantsRevoked} grant(s) revoked. Every token issued so far stops working: ` +
      'refresh tokens at once, access tokens of a grant within 5 s at the MCP server, client_credentials tokens ' +
      '(no grant) once the MCP servers restart and forget the old key; clients must sign in again. ' +
      'Restart the servers now, so they sign with the new key and publish only it.\n',
  );
  return 0;
}

/** `oauth-mcp keys rotate|list`: adds a signing key (the old one stays published until its tokens expire). */
export async function runKeysCommand(args: string[], io: CliIo): Promise<number> {
  const config = loadCliConfig(io);
  const store = await openStore(config.databaseUrl);
  try {
    // Before KeyRing.open: reset is for when the keys cannot be decrypted.
    if (args[0] === 'reset') return await resetKeys(store, args, io);
    const ring = await KeyRing.open({
      store,
      secretKey: config.secretKey,
      clock: systemClock,
      accessTokenTtl: config.ttl.accessToken,
      // The same schedule as the servers, so the retired key stays published for as long as it may still sign.
      signingDelaySeconds: signingDelaySeconds(config.keyReloadSeconds),
    });
    if (args[0] === 'rotate') {
      const kid = await ring.rotate();
      await emitAndFlush(store, { type: 'keys.rotated', kid });
      io.stdout.write(`new signing key ${kid}; retired keys stay in the JWKS until their tokens have expired\n`);
      io.stdout.write(
        `running servers publish it within KEY_RELOAD_SECONDS (${config.keyReloadSeconds} s; kill -HUP a server to reload at once) ` +
          `and sign with it ${signingDelaySeconds(config.keyReloadSeconds)} s after this rotation\n`,
      );
      return 0;
    }
    if (args[0] === 'list' || args[0] === undefined || args[0] === '--json') {
      if (args.includes('--json')) {
        const keys = (await store.listSigningKeys()).map((k) => ({
          kid: k.kid,
          alg: k.alg,
          createdAt: new Date(k.createdAt * 1000).toISOString(),
          retiredAt: k.retiredAt === null ? null : new Date(k.retiredAt * 1000).toISOString(),
          publishedUntil: k.expiresAt === null ? null : new Date(k.expiresAt * 1000).toISOString(),
        }));
        io.stdout.write(`${JSON.stringify(keys, null, 2)}\n`);
        return 0;
      }
      for (const k of await store.listSigningKeys()) {
        const state = k.retiredAt === null ? 'active' : `retired, published until ${new Date((k.expiresAt ?? 0) * 1000).toISOString()}`;
        io.stdout.write(`${k.kid}  ${k.alg}  created ${new Date(k.createdAt * 1000).toISOString()}  ${state}\n`);
      }
      return 0;
    }
    io.stderr.write('usage: mcp-auth-server keys [list|rotate|reset --yes]\n');
    return 2;
  } finally {
    await store.close();
  }
}
