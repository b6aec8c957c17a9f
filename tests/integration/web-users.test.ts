import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { fixedClock } from '../../src/clock.js';
import { runUsersCommand } from '../../src/cli/users.js';
import { openStore } from '../../src/store/open-store.js';
import { hashPassword, needsRehash, verifyPassword } from '../../src/users/passwords.js';
import { createUsersService, UserError } from '../../src/users/users-service.js';

const FAST = { N: 2 ** 10, r: 8, p: 1 };

describe('passwords (scrypt)', () => {
  it('hashes as scrypt$N$r$p$salt$hash with a fresh salt, and verifies', async () => {
    const a = await hashPassword('correct horse battery');
    const b = await hashPassword('correct horse battery');
    expect(a).toMatch(/^scrypt\$32768\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword('correct horse battery', a)).toBe(true);
    expect(await verifyPassword('correct horse batterY', a)).toBe(false);
    expect(await verifyPassword('', a)).toBe(false);
  });

  it('refuses malformed or hostile stored hashes instead of running them', async () => {
    const good = await hashPassword('pw-123456', FAST);
    const [, , r, p, salt, key] = good.split('$');
    expect(await verifyPassword('pw-123456', `scrypt$${2 ** 24}$${r}$${p}$${salt}$${key}`)).toBe(false); // would cost 16 GiB
    expect(await verifyPassword('pw-123456', `scrypt$1000$${r}$${p}$${salt}$${key}`)).toBe(false); // N not a power of two
    expect(await verifyPassword('pw-123456', 'plain-text-password')).toBe(false);
    expect(needsRehash(good)).toBe(true);
    expect(needsRehash(await hashPassword('x'.repeat(8)))).toBe(false);
  });
});

describe('users service', async () => {
  const store = await openStore('sqlite::memory:');
  const users = createUsersService({ store, clock: fixedClock(), scrypt: FAST });
  afterAll(() => store.close());

  it('adds, authenticates, changes the password, refuses duplicates and bad input', async () => {
    await users.add('carol', 'first password');
    expect((await users.authenticate('carol', 'first password'))?.username).toBe('carol');
    expect(await users.authenticate('carol', 'wrong password')).toBeUndefined();
    expect(await users.authenticate('nobody', 'first password')).toBeUndefined();
    await expect(users.add('carol', 'another password')).rejects.toThrow(UserError);
    await expect(users.add('bad name', 'long enough')).rejects.toThrow(/username/);
    await expect(users.add('dave', 'short')).rejects.toThrow(/at least 12/);
    const carol = (await store.getUserByUsername('carol'))!;
    await store.createWebSession({ idHash: 'carol-session', userId: carol.id, createdAt: 1, expiresAt: 10_000_000_000 });
    expect(await users.setPassword('carol', 'second password')).toBe(true);
    expect(await store.getWebSession('carol-session'), 'a password change signs out every session').toBeUndefined();
    expect(await users.authenticate('carol', 'first password')).toBeUndefined();
    expect(await users.authenticate('carol', 'second password')).toBeDefined();
  });

  it('removing a user revokes every grant they gave', async () => {
    const erin = await users.add('erin', 'orchard window seven');
    await store.createWebSession({ idHash: 'erin-session', userId: erin.id, createdAt: 1, expiresAt: 10_000_000_000 });
    await store.createGrant({ id: 'g-erin', clientId: 'c', subject: erin.id, scope: 'read', resource: 'r', createdAt: 1, lastUsedAt: null, revokedAt: null });
    expect(await users.remove('erin')).toBe(true);
    expect((await store.getGrant('g-erin'))?.revokedAt).not.toBeNull();
    expect(await store.getWebSession('erin-session')).toBeUndefined();
    expect(await store.getUserByUsername('erin')).toBeUndefined();
  });
});

describe('oauth-mcp users (CLI)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'oauth-mcp-users-'));
  const env = { DATABASE_URL: `sqlite:${join(dir, 'users.db')}`, LOG_LEVEL: 'silent' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  async function run(args: string[], stdinText?: string) {
    const stdin = new PassThrough();
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d) => (out += d));
    stderr.on('data', (d) => (err += d));
    if (stdinText !== undefined) stdin.end(stdinText);
    const code = await runUsersCommand(args, { stdin, stdout, stderr }, env);
    return { code, out, err };
  }

  it('add reads the password from stdin, never from argv; list, passwd and remove work', async () => {
    const refused = await run(['add', 'frank', '--password=hunter22hunter22']);
    expect(refused.code).toBe(2);
    expect(refused.err).toContain('not taken from the command line');

    const added = await run(['add', 'frank', '--admin'], 'cedar-lamp-river-1\n');
    expect(added.code, added.err).toBe(0);
    expect(added.out).toMatch(/^added user frank \(/);

    const listed = await run(['list']);
    expect(listed.out).toMatch(/^frank {2}[0-9a-f-]{36} {2}created .* \(admin\)\n$/);
    expect(listed.out).not.toContain('scrypt');

    const store = await openStore(env.DATABASE_URL);
    const users = createUsersService({ store, clock: fixedClock() });
    expect(await users.authenticate('frank', 'cedar-lamp-river-1')).toBeDefined();

    expect((await run(['passwd', 'frank'], 'cedar-lamp-river-2\n')).code).toBe(0);
    expect(await users.authenticate('frank', 'cedar-lamp-river-2')).toBeDefined();
    expect(await users.authenticate('frank', 'cedar-lamp-river-1')).toBeUndefined();
    await store.close();

    expect((await run(['passwd', 'nobody'], 'whatever-password\n')).code).toBe(1);
    expect((await run(['add', 'gina'], 'short\n')).err).toContain('at least 12');
    // Password policy: well-known passwords (the maintained list of @zxcvbn-ts/language-common) and the username are refused.
    for (const weak of ['password1234', 'Qwertyuiop123!', 'iloveyou2024', 'gina-is-my-name']) {
      const refused = await run(['add', 'gina'], `${weak}\n`);
      expect(refused.code, weak).not.toBe(0);
      expect(refused.err, weak).toMatch(/most common passwords|must not contain the username/);
    }
    const passwd = await run(['passwd', 'frank'], 'letmein12345\n');
    expect(passwd.code).not.toBe(0);
    expect(passwd.err).toMatch(/most common passwords/);
    expect((await run(['remove', 'frank'])).code).toBe(0);
    expect((await run(['list'])).out).toBe('');
    expect((await run(['bogus'])).code).toBe(2);
  });

  it('at a terminal it asks twice without echo, in raw mode, and refuses a mismatch', async () => {
    /** A terminal: raw mode is recorded; each time the command starts reading, the next line is typed. */
    const tty = (lines: string[]) => {
      const stdin = Object.assign(new PassThrough(), { isTTY: true, rawModes: [] as boolean[] });
      Object.assign(stdin, { setRawMode: (raw: boolean) => void stdin.rawModes.push(raw) });
      stdin.on('resume', () => setImmediate(() => stdin.write(lines.shift() ?? '')));
      return stdin;
    };
    const stdin = tty(['terminal-pass-1\r', 'terminal-pass-1\r']);
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let out = '';
    let err = '';
    stdout.on('data', (d) => (out += d));
    stderr.on('data', (d) => (err += d));
    expect(await runUsersCommand(['add', 'hank'], { stdin, stdout, stderr }, env), err).toBe(0);
    expect(err).toContain('Password: ');
    expect(err).toContain('Repeat password: ');
    expect(err + out).not.toContain('terminal-pass-1');
    expect(stdin.rawModes).toEqual([true, false, true, false]);

    const stdin2 = tty(['one-password-1\r', 'another-pass-2\r']);
    let err2 = '';
    stderr.removeAllListeners('data');
    stderr.on('data', (d) => (err2 += d));
    expect(await runUsersCommand(['passwd', 'hank'], { stdin: stdin2, stdout, stderr }, env)).toBe(1);
    expect(err2).toContain('the two passwords differ');
  });
});
