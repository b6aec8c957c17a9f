import type { CliIo } from './context.js';

/**
 * The process's streams, as a command takes them. stdin is read only by `users add`/`passwd`: node builds
 * process.stdin on first use (a stream, and for a file or /dev/null node's fs streams with it, ~4 ms of every
 * start), so it is looked up when asked for.
 */
export const processIo: CliIo = {
  get stdin() {
    return process.stdin;
  },
  stdout: process.stdout,
  stderr: process.stderr,
};

/** Ends the process with a command's exit code; an error it throws becomes one line on stderr and exit code 1. */
export function exitWith(command: Promise<number>, io: CliIo, after: () => void = () => undefined): void {
  command.then(
    (code) => {
      process.exitCode = code;
      after();
    },
    (err: Error) => {
      io.stderr.write(`mcp-auth-server: ${err.message}\n`);
      process.exitCode = 1;
    },
  );
}
