import type { Clock } from '../clock.js';
import { decrypt, deriveKey, encrypt } from '../keys/encryption.js';
import type { Logger } from '../log/logger.js';
import type { Store } from '../store/store.js';
import type { RelyingParty, UpstreamTokens } from './upstream.js';

/** A token this close to its expiry is refreshed before it is handed out. */
const REFRESH_MARGIN_SECONDS = 60;

/**
 * The token vault: a provider's access and refresh tokens for a person, encrypted at rest (AES-256-GCM under a
 * key derived from SECRET_KEY), refreshed when expired, for server-side code (tools) calling the provider's APIs
 * on the person's behalf. Never sent to an MCP client.
 */
export interface TokenVault {
  save(userId: string, provider: string, tokens: UpstreamTokens): Promise<void>;
  /** A current access token at `provider` for the person, refreshed if needed; undefined when there is none. */
  accessToken(userId: string, provider: string): Promise<string | undefined>;
}

export function createTokenVault(deps: { store: Store; clock: Clock; logger: Logger; secretKey: string; parties: ReadonlyMap<string, RelyingParty> }): TokenVault {
  const key = deriveKey(deps.secretKey, 'idp-token-vault');

  const save = async (userId: string, provider: string, tokens: UpstreamTokens, previousRefresh?: string | null) => {
    const now = deps.clock();
    const refresh = tokens.refreshToken ?? previousRefresh ?? null;
    await deps.store.saveUpstreamTokens({
      userId,
      provider,
      accessToken: encrypt(key, tokens.accessToken),
      // RFC 6749 §6: a refresh answer without a refresh_token keeps the old one.
      refreshToken: refresh === null ? null : tokens.refreshToken ? encrypt(key, tokens.refreshToken) : refresh,
      scope: tokens.scope ?? null,
      expiresAt: tokens.expiresIn === undefined ? null : now + tokens.expiresIn,
      updatedAt: now,
    });
  };

  return {
    save: (userId, provider, tokens) => save(userId, provider, tokens),

    async accessToken(userId: string, provider: string): Promise<string | undefined> {
      const row = await deps.store.getUpstreamTokens(userId, provider);
      if (!row) return undefined;
      const fresh = row.expiresAt === null || row.expiresAt - REFRESH_MARGIN_SECONDS > deps.clock();
      if (fresh) return decrypt(key, row.accessToken);
      const party = deps.parties.get(provider);
      if (!row.refreshToken || !party) return undefined;
      try {
        const tokens = await party.refresh(decrypt(key, row.refreshToken));
        await save(userId, provider, tokens, row.refreshToken);
        return tokens.accessToken;
      } catch (err) {
        deps.logger.warn({ provider, user: userId, err: (err as Error).message }, 'upstream token refresh failed');
        return undefined;
      }
    },
  };
}
