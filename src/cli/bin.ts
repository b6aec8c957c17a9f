import type { CliIo } from './context.js';
import { main } from './main.js';

const io: CliIo = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err: Error) => {
    io.stderr.write(`mcp-auth-server: ${err.message}\n`);
    process.exitCode = 1;
  },
);
