import { resolve } from 'node:path';
import { parseGatewayConfig, type UpstreamConfig } from '../../src/gateway/config.js';

/** The npm packages' own executables, as `npx <package>` starts them (installed as devDependencies). */
export const EVERYTHING_BIN = resolve('node_modules/.bin/mcp-server-everything');
export const FILESYSTEM_BIN = resolve('node_modules/.bin/mcp-server-filesystem');

/** One upstream from a config-file shape, served at /mcp. */
export function upstream(raw: Record<string, unknown>): UpstreamConfig {
  return parseGatewayConfig({ upstreams: { up: raw } })[0]!;
}
