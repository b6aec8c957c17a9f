import { exitWith, processIo } from './process-io.js';
import { runStartCommand } from './start.js';

// `oauth-mcp start [args]` alone, the entry of the start bundle (scripts/build.mjs): a start then reads, compiles
// and deserializes none of the other commands' code (bench/HISTORY.md, round 2, sixth pass). bin/oauth-mcp.js runs
// it only when no argument asks for help or --json (scripts/run-bundle.cjs, bundleFor); for every other command
// line src/cli/bin.ts runs, whose `main` answers those. So what this does is what `main` does for `start`.
exitWith(runStartCommand(process.argv.slice(3), processIo), processIo);
