#!/usr/bin/env node
// The oauth-mcp command: runs the bundled CLI under plain node, rebuilding the bundles first when the source is
// newer (scripts/build.mjs), so there is no separate build step between a checkout and a running server. `start`
// runs from a bundle of its own, every other command line (and `start --help`) from the full one (bundleFor); each
// runs with its own V8 code cache (scripts/run-bundle.cjs).
// CommonJS (bin/package.json): node then runs this file without starting its ES module loader, which cost a start
// ~10-15 ms (bench/HISTORY.md, round 2, cold start); only a rebuild imports the ES module build script.
'use strict';
const { bundleFor, currentBuild, runBundle } = require('../scripts/run-bundle.cjs');

const name = bundleFor(process.argv.slice(2));
const current = currentBuild(name);
if (current) runBundle(current.entry, { ascii: current.ascii });
else import('../scripts/build.mjs').then(({ buildBundle }) => buildBundle()).then(({ entries, ascii }) => runBundle(entries[name], { ascii }));
