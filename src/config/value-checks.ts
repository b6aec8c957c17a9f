import { isIP } from 'node:net';

/**
 * Checks of configuration values beyond their type, each answering a one-line reason or undefined. The bounds are
 * listed in docs/deploy.md ("Configuration bounds"); a value outside them is a typo or a mistake, never a setting:
 * a refresh grace of a billion seconds, for one, would silently turn off refresh-token reuse detection.
 */

/** Lifetimes in seconds: [least, most]. */
export const TTL_BOUNDS = {
  ACCESS_TOKEN_TTL: [60, 24 * 3600],
  REFRESH_TOKEN_TTL: [300, 366 * 24 * 3600],
  // RFC 6749 §4.1.2: "A maximum authorization code lifetime of 10 minutes is RECOMMENDED."
  AUTHORIZATION_CODE_TTL: [10, 600],
  REFRESH_GRACE_SECONDS: [0, 120],
  KEY_RELOAD_SECONDS: [1, 3600],
} as const satisfies Record<string, readonly [number, number]>;

export type BoundedVariable = keyof typeof TTL_BOUNDS;

/** The variable's value outside its bounds: the reason, naming them. */
export function outOfBounds(name: BoundedVariable, value: number): string | undefined {
  const [least, most] = TTL_BOUNDS[name];
  if (value >= least && value <= most) return undefined;
  return `must be between ${least} and ${most} seconds (docs/deploy.md, "Configuration bounds")`;
}

/** A CORS origin is scheme://host[:port] and nothing else (RFC 6454 §6.2), or `*`. */
export function badOrigin(value: string): string | undefined {
  if (value === '*') return undefined;
  if (!URL.canParse(value)) return `"${value}" is not an origin (scheme://host[:port])`;
  const url = new URL(value);
  if (!/^https?:$/.test(url.protocol) || url.origin !== value) {
    return `"${value}" is not an origin: write it as ${/^https?:$/.test(url.protocol) ? url.origin : 'http(s)://host[:port]'}, with no path or trailing slash`;
  }
  return undefined;
}

/** A trusted proxy is one IPv4 or IPv6 address, or a CIDR block such as 10.0.0.0/8 or fd00::/8. */
export function badProxy(value: string): string | undefined {
  const slash = value.indexOf('/');
  const address = slash === -1 ? value : value.slice(0, slash);
  const family = isIP(address);
  const reason = `"${value}" is not an IP address or CIDR block`;
  if (family === 0) return reason;
  if (slash === -1) return undefined;
  const bits = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > (family === 4 ? 32 : 128)) return reason;
  return undefined;
}
