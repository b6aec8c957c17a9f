import { systemClock } from '../clock.js';
import { KeyRing } from '../keys/key-ring.js';
import { createLogger } from '../log/logger.js';
import { AuditLog } from '../observability/audit.js';
import { signingDelaySeconds } from '../keys/signing-delay.js';
import { openStore } from '../store/open-store.js';
import { loadCliConfig, type CliIo } from './context.js';

/** `oauth-mcp keys rotate|list`: adds a signing key (the old one stays published until its tokens expire). */
export async function runKeysCommand(args: string[], io: CliIo): Promise<number> {
  const config = loadCliConfig(io);
  const store = await openStore(config.databaseUrl);
  try {
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
      // The audit trail records rotations; its log goes to stderr at warn, so stdout stays this command's answer.
      const audit = new AuditLog({ store, clock: systemClock, logger: createLogger('warn', process.stderr) });
      await audit.record({ type: 'key_rotated', detail: `new signing key ${kid} (oauth-mcp keys rotate)` });
      await audit.flush();
      io.stdout.write(`new signing key ${kid}; retired keys stay in the JWKS until their tokens have expired\n`);
      io.stdout.write(
        `running servers publish it within KEY_RELOAD_SECONDS (${config.keyReloadSeconds} s; kill -HUP a server to reload at once) ` +
          `and sign with it ${signingDelaySeconds(config.keyReloadSeconds)} s after this rotation\n`,
      );
      return 0;
    }
    if (args[0] === 'list' || args[0] === undefined) {
      for (const k of await store.listSigningKeys()) {
        const state = k.retiredAt === null ? 'active' : `retired, published until ${new Date((k.expiresAt ?? 0) * 1000).toISOString()}`;
        io.stdout.write(`${k.kid}  ${k.alg}  created ${new Date(k.createdAt * 1000).toISOString()}  ${state}\n`);
      }
      return 0;
    }
    io.stderr.write('usage: mcp-auth-server keys [list|rotate]\n');
    return 2;
  } finally {
    await store.close();
  }
}
