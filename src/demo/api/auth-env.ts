import type { CallerVariables } from '../../resource-server/index.js';

/** Hono variables the demo's API routes read: the caller and the verified token, set by `bearer` (resource-server). */
export type AuthEnv = { Variables: CallerVariables };
