#!/usr/bin/env node
// The oauth-mcp command: runs the bundled CLI under plain node, rebuilding the bundle first when the source is
// newer (scripts/build.mjs), so there is no separate build step between a checkout and a running server.
import { pathToFileURL } from 'node:url';
import { ensureBuilt } from '../scripts/build.mjs';

await import(pathToFileURL(await ensureBuilt()).href);
