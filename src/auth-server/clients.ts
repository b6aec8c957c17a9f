import type { ClientRecord } from '../store/store.js';
import { isClientIdMetadataUrl, resolveMetadataClient } from './cimd.js';
import type { AuthServerDeps } from './deps.js';

/**
 * The client a client_id names: a registered client from the store, or, when the client_id is a metadata
 * document URL (AS-5), the client that document describes. Documents are not stored in the clients table:
 * the URL's owner may change the document at any time, so it is re-fetched when its cache lifetime ends
 * rather than copied into a row that would go stale. Grants and codes refer to the URL as their client_id.
 *
 * Returns undefined for an unknown client; throws OAuthError invalid_client, naming the reason, when a
 * metadata document cannot be fetched or breaks a rule.
 */
export async function findClient(deps: AuthServerDeps, clientId: string): Promise<ClientRecord | undefined> {
  return findClientNow(deps, clientId);
}

/** `findClient`, answered at once from the client cache: a promise only when the store or a metadata document is asked. */
export function findClientNow(deps: AuthServerDeps, clientId: string): ClientRecord | undefined | Promise<ClientRecord | undefined> {
  if (isClientIdMetadataUrl(clientId, deps.config.cimdAllowPrivateAddresses)) {
    return resolveMetadataClient(deps, clientId, deps.clientMetadataCache);
  }
  const cached = deps.clientCache.get(clientId);
  if (cached) return cached;
  return deps.store.getClient(clientId).then((client) => {
    if (client) deps.clientCache.set(client.clientId, client);
    return client;
  });
}
