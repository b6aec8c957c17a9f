import { createHmac, timingSafeEqual } from 'node:crypto';

/** Seconds a nonce window lasts; a nonce is accepted in its own window and the next one. */
const WINDOW_SECONDS = 60;

/**
 * DPoP nonces (RFC 9449 §8, §9) without server state: a nonce is the current time window and an HMAC of it, so
 * every instance holding the same key issues and accepts the same nonces. The authorization server and the
 * resource server use different keys, so a nonce of one is not accepted by the other.
 * @see https://www.rfc-editor.org/rfc/rfc9449#section-8
 */
export class DpopNonces {
  constructor(
    private readonly key: Buffer,
    private readonly clock: () => number,
  ) {}

  /** The nonce to hand out now. */
  current(): string {
    return this.nonceFor(Math.floor(this.clock() / WINDOW_SECONDS));
  }

  /** Whether `nonce` was issued in this window or the previous one. */
  isValid(nonce: string): boolean {
    const window = Math.floor(this.clock() / WINDOW_SECONDS);
    return [window, window - 1].some((w) => equal(this.nonceFor(w), nonce));
  }

  private nonceFor(window: number): string {
    const w = window.toString(36);
    return `${w}.${createHmac('sha256', this.key).update(w).digest('base64url').slice(0, 32)}`;
  }
}

function equal(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
