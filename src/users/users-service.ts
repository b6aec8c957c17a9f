import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Store, UserRecord } from '../store/store.js';
import { checkPasswordPolicy, MAX_PASSWORD_LENGTH } from './password-policy.js';
import { UserError } from './user-error.js';
import { DEFAULT_SCRYPT, hashPassword, needsRehash, verifyPassword, type ScryptParams } from './passwords.js';

/** Usernames people can type and read back: letters, digits and . _ @ - (an e-mail address fits). */
const USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;
export { MIN_PASSWORD_LENGTH, MAX_PASSWORD_LENGTH } from './password-policy.js';
export { UserError } from './user-error.js';

export function checkUsername(username: string): void {
  if (!USERNAME.test(username)) throw new UserError('username: 1 to 64 characters of letters, digits, ".", "_", "@" or "-"');
}


export interface UsersService {
  add(username: string, password: string, opts?: { isAdmin?: boolean }): Promise<UserRecord>;
  list(): Promise<UserRecord[]>;
  /** Deletes the user, ends their sessions and revokes every grant they gave, so their clients' tokens stop working. */
  remove(username: string): Promise<boolean>;
  /** Sets a new password and ends every session of the user: whoever knew the old one is signed out. */
  setPassword(username: string, password: string): Promise<boolean>;
  /** The user when the password matches, else undefined; unknown users cost the same time (no user enumeration). */
  authenticate(username: string, password: string): Promise<UserRecord | undefined>;
}

/** Users kept in the store with scrypt password hashes. */
export function createUsersService(deps: { store: Store; clock: Clock; scrypt?: ScryptParams }): UsersService {
  const params = deps.scrypt ?? DEFAULT_SCRYPT;
  let dummyHash: Promise<string> | undefined;
  // A hash of nothing anyone knows, verified for unknown users so a miss takes as long as a wrong password.
  const dummy = () => (dummyHash ??= hashPassword(`no-such-user-${randomUUID()}`, params));

  return {
    async add(username, password, opts = {}) {
      checkUsername(username);
      await checkPasswordPolicy(password, username);
      if (await deps.store.getUserByUsername(username)) throw new UserError(`user ${username} already exists`);
      const user: UserRecord = {
        id: randomUUID(),
        username,
        passwordHash: await hashPassword(password, params),
        isAdmin: opts.isAdmin ?? false,
        createdAt: deps.clock(),
      };
      await deps.store.createUser(user);
      return user;
    },

    list: () => deps.store.listUsers(),

    async remove(username) {
      const user = await deps.store.getUserByUsername(username);
      if (!user) return false;
      const now = deps.clock();
      for (const grant of await deps.store.listGrantsForSubject(user.id)) {
        if (grant.revokedAt === null) await deps.store.revokeGrant(grant.id, now);
      }
      await deps.store.deleteWebSessionsForUser(user.id);
      return deps.store.deleteUser(user.id);
    },

    async setPassword(username, password) {
      await checkPasswordPolicy(password, username);
      const user = await deps.store.getUserByUsername(username);
      if (!user) return false;
      const changed = await deps.store.setUserPassword(user.id, await hashPassword(password, params));
      // OWASP session management: a password change invalidates the sessions opened with the old one.
      if (changed) await deps.store.deleteWebSessionsForUser(user.id);
      return changed;
    },

    async authenticate(username, password) {
      if (password.length > MAX_PASSWORD_LENGTH) return undefined;
      const user = USERNAME.test(username) ? await deps.store.getUserByUsername(username) : undefined;
      if (!user || user.passwordHash === null) {
        await verifyPassword(password, await dummy());
        return undefined;
      }
      if (!(await verifyPassword(password, user.passwordHash))) return undefined;
      if (needsRehash(user.passwordHash, params)) await deps.store.setUserPassword(user.id, await hashPassword(password, params));
      return user;
    },
  };
}
