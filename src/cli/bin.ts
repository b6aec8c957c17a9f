import type { CliIo } from './context.js';
import { main } from './main.js';

// stdin is read only by `users add`/`passwd`: node builds process.stdin on first use (a stream, and for a file or
// /dev/null node's fs streams with it, ~4 ms of every start), so it is looked up when asked for.
const io: CliIo = {
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
};
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    io.stderr.write(`mcp-auth-server: ${err.message}\n`);
    process.exitCode = 1;
  },
);
