import { createPrivateKey, type JsonWebKey, type KeyObject } from 'node:crypto';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, type JWK } from 'jose';
import type { Clock } from '../clock.js';
import type { SigningKeyRecord, Store } from '../store/store.js';
import { decrypt, deriveKey, encrypt } from './encryption.js';
import { encodedJwsHeader } from './jws.js';

export const SIGNING_ALG = 'ES256';

export interface SigningKey {
  kid: string;
  alg: string;
  /** Unix seconds the key was made. */
  createdAt: number;
  /**
   * For node:crypto's synchronous sign (keys/jws.ts); jose signs with it too. A KeyObject made from the JWK by
   * node:crypto, not a WebCrypto CryptoKey: importing through WebCrypto loaded its modules at every start (~1 ms).
   */
  privateKey: KeyObject;
  /**
   * The first segment of a compact JWS this key signs with `typ` (keys/jws.ts): `{ alg, typ, kid }` encoded once
   * per typ instead of for every token (the token endpoint signs thousands a second with one key).
   */
  jwsHeader(typ: string): string;
}

/**
 * The authorization server's signing keys, kept in the store with the private half encrypted under a key
 * derived from SECRET_KEY. The newest unretired key signs; retired keys stay in the JWKS until every token
 * they signed has expired.
 */
export class KeyRing {
  private current: SigningKey | undefined;
  private previous: SigningKey | undefined;
  private published: JWK[] = [];

  private constructor(
    private readonly store: Store,
    private readonly encryptionKey: Buffer,
    private readonly clock: Clock,
    /** How long a retired key stays published: the longest access-token lifetime plus margin (and the signing delay). */
    private readonly retentionSeconds: number,
    private readonly signingDelay: number,
  ) {}

  /**
   * Loads the keys, generating the first one if the store has none (atomically: instances starting together on
   * one database agree on a single first key). Fails at start if SECRET_KEY cannot decrypt them.
   */
  static async open(opts: {
    store: Store;
    secretKey: string;
    clock: Clock;
    accessTokenTtl: number;
    /**
     * Scale-out: a new key signs only once it has been in the store this long, so every instance (which re-reads
     * keys periodically) and every resource server's JWKS cache already knows it when the first token names it.
     * Until then the key it replaced keeps signing. 0 (the default) signs with a new key at once.
     */
    signingDelaySeconds?: number;
  }): Promise<KeyRing> {
    const delay = opts.signingDelaySeconds ?? 0;
    const ring = new KeyRing(opts.store, deriveKey(opts.secretKey, 'signing-keys'), opts.clock, opts.accessTokenTtl + 300 + delay, delay);
    await ring.reload();
    if (!ring.current) {
      await opts.store.insertFirstSigningKey(await ring.newKeyRecord());
      await ring.reload(); // ours, or the one another instance made first
    }
    return ring;
  }

  /**
   * Replaces every signing key with a new one encrypted under `secretKey`, revoking every grant (store.resetSigningKeys):
   * the way out when SECRET_KEY was lost or changed. Needs no key to decrypt. Returns the new kid and the grants revoked.
   */
  static async reset(opts: { store: Store; secretKey: string; clock: Clock }): Promise<{ kid: string; grantsRevoked: number }> {
    const ring = new KeyRing(opts.store, deriveKey(opts.secretKey, 'signing-keys'), opts.clock, 0, 0);
    const record = await ring.newKeyRecord();
    const grantsRevoked = await opts.store.resetSigningKeys(record, opts.clock());
    return { kid: record.kid, grantsRevoked };
  }

  /** Re-reads the keys from the store (another instance may have rotated). */
  async reload(): Promise<void> {
    const now = this.clock();
    const records = (await this.store.listSigningKeys()).filter((k) => k.expiresAt === null || k.expiresAt > now);
    const active = records.find((k) => k.retiredAt === null);
    this.published = records.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.alg, use: 'sig' }) as JWK);
    this.current = active ? await this.unseal(active) : undefined;
    // While the active key is younger than signingDelay, an older published key keeps signing: the newest one old
    // enough to be in every JWKS answer, or, when none is that old yet (a young store), the oldest one. (records
    // are newest first.)
    const fallback = records.find((k) => k.createdAt + this.signingDelay <= now) ?? records.at(-1);
    const waiting = active && active.createdAt + this.signingDelay > now;
    this.previous = waiting && fallback && fallback !== active ? await this.unseal(fallback) : undefined;
  }

  /** Generates a new signing key and retires the one it replaces. Returns the new kid. */
  async rotate(): Promise<string> {
    const kid = await this.addKey();
    await this.reload();
    return kid;
  }

  /** The key that signs now: the active one, or a seasoned predecessor while the active one is younger than signingDelay. */
  signingKey(): SigningKey {
    if (!this.current) throw new Error('no active signing key');
    if (this.previous && this.current.createdAt + this.signingDelay > this.clock()) return this.previous;
    return this.current;
  }

  /** The public JWK Set (RFC 7517 §5). */
  jwks(): { keys: JWK[] } {
    return { keys: this.published };
  }

  private async addKey(): Promise<string> {
    const now = this.clock();
    const record = await this.newKeyRecord();
    const previous = (await this.store.listSigningKeys()).filter((k) => k.retiredAt === null);
    await this.store.insertSigningKey(record);
    for (const old of previous) await this.store.retireSigningKey(old.kid, now, now + this.retentionSeconds);
    return record.kid;
  }

  private async newKeyRecord(): Promise<SigningKeyRecord> {
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const privateJwk = await exportJWK(privateKey);
    return {
      kid: await calculateJwkThumbprint(publicJwk),
      alg: SIGNING_ALG,
      publicJwk: publicJwk as Record<string, unknown>,
      privateJwkEncrypted: encrypt(this.encryptionKey, JSON.stringify(privateJwk)),
      createdAt: this.clock(),
      retiredAt: null,
      expiresAt: null,
    };
  }

  private async unseal(record: SigningKeyRecord): Promise<SigningKey> {
    let jwk: JWK;
    try {
      jwk = JSON.parse(decrypt(this.encryptionKey, record.privateJwkEncrypted));
    } catch (cause) {
      throw new Error(
        `SECRET_KEY: cannot decrypt signing key ${record.kid}; was SECRET_KEY changed? Set it back to the value the keys ` +
          'were made with, or run `mcp-auth-server keys reset --yes` to make new keys (every token issued so far stops working)',
        { cause },
      );
    }
    const privateKey = importPrivateJwk(jwk, record.alg, record.kid);
    const { kid, alg } = record;
    // A key signs with a typ or two (access tokens, the gateway's identity JWTs): a map that stays that small.
    const headers = new Map<string, string>();
    const jwsHeader = (typ: string): string => {
      let header = headers.get(typ);
      if (header === undefined) headers.set(typ, (header = encodedJwsHeader({ alg: alg as 'ES256', typ, kid })));
      return header;
    };
    return { kid, alg, createdAt: record.createdAt, privateKey, jwsHeader };
  }
}

/** A stored private JWK as a KeyObject, refused unless it is a private key of the kind its alg needs (RFC 7518 §3.4: ES256 is P-256). */
function importPrivateJwk(jwk: JWK, alg: string, kid: string): KeyObject {
  const key = createPrivateKey({ key: jwk as JsonWebKey, format: 'jwk' });
  if (alg === SIGNING_ALG && key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') throw new Error(`signing key ${kid}: not a P-256 key, which ${alg} needs`);
  return key;
}
