import type { Context } from 'hono';
import type { Clock } from '../clock.js';
import type { AuthServerSettings } from '../auth-server/settings.js';
import { randomToken, sha256 } from '../oauth/crypto.js';
import type { Store, UserRecord } from '../store/store.js';
import { clearCookie, readCookie, writeCookie } from './cookies.js';

/** How long a sign-in lasts. Short: the pages are only visited during an authorization or to manage apps. */
export const SESSION_TTL_SECONDS = 8 * 3600;

export interface SignedIn {
  user: UserRecord;
  /** SHA-256 of the cookie value: what the store keys on and what CSRF tokens bind to. */
  idHash: string;
}

type SessionDeps = { config: AuthServerSettings; store: Store; clock: Clock };

/** The signed-in user of this request, or undefined (no cookie, unknown, expired, or the user was removed). */
export async function currentSession(deps: SessionDeps, c: Context): Promise<SignedIn | undefined> {
  const raw = readCookie(c, deps.config, 'session');
  if (!raw) return undefined;
  const idHash = sha256(raw);
  const session = await deps.store.getWebSession(idHash);
  if (!session || session.expiresAt <= deps.clock()) return undefined;
  const user = await deps.store.getUser(session.userId);
  return user && { user, idHash };
}

/** Starts a session with a fresh id (never one the browser brought: no session fixation) and sets its cookie. */
export async function startSession(deps: SessionDeps, c: Context, userId: string): Promise<SignedIn['idHash']> {
  const previous = readCookie(c, deps.config, 'session');
  if (previous) await deps.store.deleteWebSession(sha256(previous));
  const raw = randomToken();
  const now = deps.clock();
  const idHash = sha256(raw);
  await deps.store.createWebSession({ idHash, userId, createdAt: now, expiresAt: now + SESSION_TTL_SECONDS });
  writeCookie(c, deps.config, 'session', raw, SESSION_TTL_SECONDS);
  return idHash;
}

export async function endSession(deps: SessionDeps, c: Context): Promise<void> {
  const raw = readCookie(c, deps.config, 'session');
  if (raw) await deps.store.deleteWebSession(sha256(raw));
  clearCookie(c, deps.config, 'session');
}
