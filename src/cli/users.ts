import { systemClock } from '../clock.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { readEnv } from '../config/env.js';
import { openStore } from '../store/open-store.js';
import { createUsersService, UserError, type UsersService } from '../users/users-service.js';
import type { CliIo } from './context.js';

export const USAGE = `usage: mcp-auth-server users <command>

  add <username> [--admin]   create a user; the password is asked for (or read from stdin's first line)
  list                       show every user
  remove <username>          delete a user and revoke every access they granted
  passwd <username>          set a new password (asked for, or read from stdin's first line)

Passwords are never taken from the command line, where other users and shell history could read them.
`;

type TtyIn = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown };

/** Reads one line from a terminal without echoing it. */
function readHidden(stdin: TtyIn, io: CliIo, prompt: string): Promise<string> {
  io.stderr.write(prompt);
  stdin.setRawMode!(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = () => {
      stdin.off('data', onData);
      stdin.setRawMode!(false);
      stdin.pause();
      io.stderr.write('\n');
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(), resolve(value);
        if (ch === '\u0003') return finish(), reject(new UserError('cancelled'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

/** Reads the first line of a piped stdin (`printf '%s\n' "$PW" | oauth-mcp users add alice`). */
function readFirstLine(stdin: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const finish = (line: string) => {
      stdin.off('data', onData);
      stdin.off('end', onEnd);
      stdin.off('error', reject);
      stdin.pause();
      resolve(line.replace(/\r$/, ''));
    };
    const onData = (chunk: string | Buffer) => {
      buffered += String(chunk);
      const nl = buffered.indexOf('\n');
      if (nl !== -1) finish(buffered.slice(0, nl));
    };
    const onEnd = () => finish(buffered);
    stdin.on('data', onData);
    stdin.on('end', onEnd);
    stdin.on('error', reject);
    stdin.resume();
  });
}

async function readNewPassword(io: CliIo): Promise<string> {
  const stdin = io.stdin as TtyIn;
  if (!stdin.isTTY || typeof stdin.setRawMode !== 'function') return readFirstLine(stdin);
  const first = await readHidden(stdin, io, 'Password: ');
  const second = await readHidden(stdin, io, 'Repeat password: ');
  if (first !== second) throw new UserError('the two passwords differ');
  return first;
}

async function run(users: UsersService, args: string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = args;
  if (rest.some((a) => a.startsWith('--password'))) {
    io.stderr.write('mcp-auth-server: passwords are not taken from the command line; type it at the prompt or pipe it on stdin\n');
    return 2;
  }
  const username = rest.find((a) => !a.startsWith('--'));
  switch (sub) {
    case 'list':
    case '--json':
    case undefined: {
      if (args.includes('--json')) {
        const listed = (await users.list()).map((u) => ({ username: u.username, id: u.id, isAdmin: u.isAdmin, hasPassword: u.passwordHash !== null, createdAt: new Date(u.createdAt * 1000).toISOString() }));
        io.stdout.write(`${JSON.stringify(listed, null, 2)}\n`);
        return 0;
      }
      for (const u of await users.list()) {
        const flags = [u.isAdmin ? 'admin' : '', u.passwordHash === null ? 'no password' : ''].filter(Boolean).join(', ');
        io.stdout.write(`${u.username}  ${u.id}  created ${new Date(u.createdAt * 1000).toISOString()}${flags ? `  (${flags})` : ''}\n`);
      }
      return 0;
    }
    case 'add': {
      if (!username) break;
      const password = await readNewPassword(io);
      const user = await users.add(username, password, { isAdmin: rest.includes('--admin') });
      io.stdout.write(`added user ${user.username} (${user.id})\n`);
      return 0;
    }
    case 'passwd': {
      if (!username) break;
      const password = await readNewPassword(io);
      if (!(await users.setPassword(username, password))) throw new UserError(`no user ${username}`);
      io.stdout.write(`password of ${username} changed\n`);
      return 0;
    }
    case 'remove': {
      if (!username) break;
      if (!(await users.remove(username))) throw new UserError(`no user ${username}`);
      io.stdout.write(`removed user ${username}; the access they granted is revoked\n`);
      return 0;
    }
  }
  io.stderr.write(USAGE);
  return 2;
}

/** `oauth-mcp users add|list|remove|passwd`. Returns the exit code. */
export async function runUsersCommand(args: string[], io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  if (args[0] === 'help' || args[0] === '--help' || args[0] === '-h') {
    io.stdout.write(USAGE);
    return 0;
  }
  let config;
  try {
    config = loadConfig(readEnv(env));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io.stderr.write(`mcp-auth-server: configuration error: ${err.message}\n`);
    return 2;
  }
  const store = await openStore(config.databaseUrl);
  try {
    return await run(createUsersService({ store, clock: systemClock }), args, io);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    io.stderr.write(`mcp-auth-server: ${err.message}\n`);
    return 1;
  } finally {
    await store.close();
  }
}
