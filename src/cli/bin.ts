import { main } from './main.js';
import { exitWith, processIo } from './process-io.js';

// Every command of the CLI (bin/oauth-mcp.js runs `start` from its own bundle, src/cli/start-bin.ts, unless it is
// asked for help or --json). A command that ran to its end saves the V8 code cache of this bundle if it has none
// yet (scripts/run-bundle.cjs): `start` no longer runs from this bundle to save it, and the next command, e.g. a
// gateway, then compiles less.
exitWith(main(process.argv.slice(2), processIo), processIo, () => (globalThis as { __oauthMcpStarted?: () => void }).__oauthMcpStarted?.());
