import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../helpers/ports.js';

/** Starts `command args` with PORT set, and resolves once it prints `ready` (stdout or stderr). */
export async function startHttpUpstream(command: string, args: string[], ready: RegExp): Promise<{ port: number; child: ChildProcess; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(command, args, { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const onData = (chunk: Buffer) => {
      seen += chunk.toString();
      if (ready.test(seen)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => reject(new Error(`${command} exited with ${code}: ${seen}`)));
    setTimeout(() => reject(new Error(`${command} not ready in 15 s: ${seen}`)), 15_000).unref();
  });
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  };
  return { port, child, stop };
}
