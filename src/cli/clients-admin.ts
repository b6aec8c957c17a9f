import { parseArgs } from 'node:util';
import { randomToken, sha256 } from '../oauth/crypto.js';
import { checkRedirectUri } from '../oauth/redirect-uri.js';
import { DEMO_SCOPES } from '../demo/scopes.js';
import { scopeCatalog } from '../oauth/scope-catalog.js';
import { formatScope, resolveRequestedScopes } from '../oauth/scopes.js';
import type { ClientRecord, Store } from '../store/store.js';
import type { CliIo } from './context.js';

export const ADMIN_USAGE = `  add <name> [--grant client_credentials|authorization_code] [--redirect-uri <uri>]... [--scope "read write"]
             [--public] [--introspect]
                       make a client as an administrator: client_credentials clients (tokens with no person)
                       are made only here; --introspect lets the client call /oauth/introspect (a resource server)
  token [--ttl <hours>] [--note <text>]
                       an initial access token for REGISTRATION_POLICY=token (RFC 7591 §3), single use
`;

class UsageError extends Error {}

/** `clients add`: a client made by an administrator, its secret printed once and stored as its SHA-256. */
export async function addClient(store: Store, args: string[], io: CliIo, now: number): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      grant: { type: 'string', multiple: true },
      'redirect-uri': { type: 'string', multiple: true },
      scope: { type: 'string' },
      public: { type: 'boolean' },
      introspect: { type: 'boolean' },
    },
  });
  const name = positionals[0];
  if (!name) throw new UsageError('clients add: a client name is required');
  const redirectUris = values['redirect-uri'] ?? [];
  for (const uri of redirectUris) {
    const check = checkRedirectUri(uri);
    if (!check.ok) throw new UsageError(`--redirect-uri ${uri}: ${check.reason}`);
  }
  const asked = values.grant ?? (redirectUris.length > 0 ? ['authorization_code'] : []);
  for (const g of asked) {
    if (g !== 'client_credentials' && g !== 'authorization_code') throw new UsageError(`--grant ${g}: use client_credentials or authorization_code`);
  }
  const grantTypes = asked.includes('authorization_code') ? [...new Set([...asked, 'refresh_token'])] : [...new Set(asked)];
  if (grantTypes.length === 0 && !values.introspect) throw new UsageError('clients add: give --grant, --redirect-uri or --introspect');
  if (grantTypes.includes('authorization_code') && redirectUris.length === 0) throw new UsageError('--grant authorization_code needs --redirect-uri');
  const isPublic = values.public === true;
  if (isPublic && (grantTypes.includes('client_credentials') || values.introspect)) {
    throw new UsageError('--public clients cannot use client_credentials or introspect (RFC 6749 §4.4, RFC 7662 §2.1)');
  }
  // The scopes of the program `start` serves (cli/compose.ts): the demo's.
  const catalog = scopeCatalog(DEMO_SCOPES);
  const scopes = values.scope === undefined ? catalog.defaults : resolveRequestedScopes(catalog, values.scope);
  if (scopes.length === 0) throw new UsageError(`--scope ${values.scope}: no known scope`);
  const secret = isPublic ? undefined : randomToken(32);
  const client: ClientRecord = {
    clientId: randomToken(16),
    clientSecretHash: secret === undefined ? null : sha256(secret),
    clientName: name,
    redirectUris,
    grantTypes,
    responseTypes: grantTypes.includes('authorization_code') ? ['code'] : [],
    tokenEndpointAuthMethod: isPublic ? 'none' : 'client_secret_basic',
    scope: formatScope(scopes),
    applicationType: 'web',
    metadata: {},
    createdAt: now,
    lastUsedAt: null,
  };
  await store.createClient(client);
  if (values.introspect) await store.designateResourceServer(client.clientId, now);
  io.stdout.write(`client_id      ${client.clientId}\n`);
  if (secret) io.stdout.write(`client_secret  ${secret}   (shown once; only its hash is stored)\n`);
  io.stdout.write(`grant_types    ${grantTypes.join(' ') || '-'}${values.introspect ? '   may introspect' : ''}\n`);
  return 0;
}

/** `clients token`: an RFC 7591 §3 initial access token, printed once and stored as its SHA-256. */
export async function makeInitialAccessToken(store: Store, args: string[], io: CliIo, now: number): Promise<number> {
  const { values } = parseArgs({ args, options: { ttl: { type: 'string' }, note: { type: 'string' } } });
  const hours = values.ttl === undefined ? 24 : Number(values.ttl);
  if (!Number.isFinite(hours) || hours <= 0 || hours > 24 * 365) throw new UsageError(`--ttl ${values.ttl}: hours between 0 and ${24 * 365}`);
  const token = randomToken(32);
  const expiresAt = now + Math.round(hours * 3600);
  await store.insertInitialAccessToken({ tokenHash: sha256(token), note: values.note ?? null, createdAt: now, expiresAt });
  io.stdout.write(`${token}\n`);
  io.stderr.write(`initial access token for one registration, until ${new Date(expiresAt * 1000).toISOString()}; send it as Authorization: Bearer <token> to POST /oauth/register\n`);
  return 0;
}

/** Runs an admin subcommand; a usage mistake is one line on stderr and exit code 2. */
export async function runAdmin(fn: () => Promise<number>, io: CliIo): Promise<number> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      io.stderr.write(`oauth-mcp: ${(err as Error).message}\n`);
      return 2;
    }
    throw err;
  }
}
