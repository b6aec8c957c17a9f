import type { Clock } from '../clock.js';
import { randomToken } from '../oauth/crypto.js';
import type { Store, UserRecord } from '../store/store.js';
import type { IdentityProviderConfig } from './presets.js';
import type { UpstreamIdentity } from './upstream.js';

type Deps = { store: Store; clock: Clock };

const MAX_USERNAME = 64;

/** A username not yet taken: the email, else the provider's handle, else provider and subject; a suffix when taken. */
async function freeUsername(deps: Deps, provider: IdentityProviderConfig, who: UpstreamIdentity): Promise<string> {
  const base = (who.email ?? (who.handle && `${who.handle}@${provider.name}`) ?? `${provider.name}-${who.subject}`).slice(0, MAX_USERNAME - 9);
  if (!(await deps.store.getUserByUsername(base))) return base;
  for (let n = 0; n < 5; n += 1) {
    const candidate = `${base}+${randomToken(6).slice(0, 6).toLowerCase()}`;
    if (!(await deps.store.getUserByUsername(candidate))) return candidate;
  }
  throw new Error('no free username');
}

/**
 * The person this upstream identity signs in as: found by (issuer, subject) only, so a changed email upstream is
 * the same person and an email alone never takes over an account; created on first sign-in, without a password.
 * The administrator flag follows the provider's admin policy when it has one.
 */
export async function personFor(deps: Deps, provider: IdentityProviderConfig, who: UpstreamIdentity, isAdmin: boolean): Promise<UserRecord> {
  const now = deps.clock();
  const governsAdmin = provider.policy.adminEmails.length > 0 || provider.policy.adminGroup !== undefined;
  const linked = await deps.store.getIdentity(who.issuer, who.subject);
  if (linked) {
    const user = await deps.store.getUser(linked.userId);
    if (user) {
      await deps.store.touchIdentity(who.issuer, who.subject, who.email, now);
      if (governsAdmin && user.isAdmin !== isAdmin) await deps.store.setUserAdmin(user.id, isAdmin);
      return { ...user, isAdmin: governsAdmin ? isAdmin : user.isAdmin };
    }
  }
  const user: UserRecord = { id: `u_${randomToken(16)}`, username: await freeUsername(deps, provider, who), passwordHash: null, isAdmin: governsAdmin && isAdmin, createdAt: now };
  try {
    await deps.store.createUserWithIdentity(user, { issuer: who.issuer, subject: who.subject, provider: provider.name, userId: user.id, email: who.email, createdAt: now, lastLoginAt: now });
  } catch (err) {
    // Two first sign-ins of the same person at once: the other one made the link; use it.
    const raced = await deps.store.getIdentity(who.issuer, who.subject);
    const winner = raced && (await deps.store.getUser(raced.userId));
    if (winner) return winner;
    throw err;
  }
  return user;
}
