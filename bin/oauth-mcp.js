#!/usr/bin/env node
// The oauth-mcp command: runs the bundled CLI under plain node, rebuilding the bundle first when the source is
// newer (scripts/build.mjs), so there is no separate build step between a checkout and a running server. The bundle
// runs with a V8 code cache (scripts/run-bundle.mjs).
import { ensureBuilt } from '../scripts/build.mjs';
import { runBundle } from '../scripts/run-bundle.mjs';

const { entry, ascii } = await ensureBuilt();
runBundle(entry, { ascii });
