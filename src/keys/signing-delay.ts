import { DEFAULT_JWKS_COOLDOWN_SECONDS } from '../resource-server/jwks-source.js';

/**
 * A rotated key signs only once every instance has re-read the keys (`keyReloadSeconds`) and every resource
 * server may refetch its JWKS (its unknown-kid cooldown), plus a margin: so no token ever names a kid that a
 * JWKS answer does not yet hold.
 */
export const signingDelaySeconds = (keyReloadSeconds: number) => keyReloadSeconds + DEFAULT_JWKS_COOLDOWN_SECONDS + 5;
