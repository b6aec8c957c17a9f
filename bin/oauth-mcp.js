#!/usr/bin/env node
// The oauth-mcp command: runs the bundled CLI under plain node, rebuilding the bundle first when the source is
// newer (scripts/build.mjs), so there is no separate build step between a checkout and a running server. The bundle
// runs with a V8 code cache (scripts/run-bundle.cjs, loaded with require(): cheaper at start than ES modules).
import { createRequire } from 'node:module';

const { currentBuild, runBundle } = createRequire(import.meta.url)('../scripts/run-bundle.cjs');
const { entry, ascii } = currentBuild() ?? (await (await import('../scripts/build.mjs')).buildBundle());
runBundle(entry, { ascii });
