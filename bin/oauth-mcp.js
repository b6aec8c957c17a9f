#!/usr/bin/env node
// The oauth-mcp command: runs the bundled CLI under plain node, rebuilding the bundle first when the source is
// newer (scripts/build.mjs), so there is no separate build step between a checkout and a running server. The bundle
// runs with a V8 code cache (scripts/run-bundle.cjs).
// CommonJS (bin/package.json): node then runs this file without starting its ES module loader, which cost a start
// ~10-15 ms (BENCHMARKS.md, round 2, cold start); only a rebuild imports the ES module build script.
'use strict';
const { currentBuild, runBundle } = require('../scripts/run-bundle.cjs');

const current = currentBuild();
if (current) runBundle(current.entry, { ascii: current.ascii });
else import('../scripts/build.mjs').then(({ buildBundle }) => buildBundle()).then(({ entry, ascii }) => runBundle(entry, { ascii }));
