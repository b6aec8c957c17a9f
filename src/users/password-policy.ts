import { UserError } from './user-error.js';

/**
 * OWASP ASVS v4.0.3 §2.1.1: passwords of at least 12 characters. NIST SP 800-63B §5.1.1.2: refuse values
 * known to be commonly used or compromised, and context-specific words such as the username.
 */
export const MIN_PASSWORD_LENGTH = 12;
/** scrypt takes any length, but a megabyte password is only a way to burn CPU. */
export const MAX_PASSWORD_LENGTH = 1024;

/** The length rules alone (sync), for callers that check the common-password list separately. */
export function checkPasswordLength(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) throw new UserError(`password: at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new UserError(`password: at most ${MAX_PASSWORD_LENGTH} characters`);
}

/**
 * The password policy of `users add` and `users passwd`: the length rules, not the username, and not one of the
 * ~49,000 most common passwords of @zxcvbn-ts/language-common (a maintained list from leaked-password corpora),
 * compared without case and also with trailing digits and symbols taken off ("Password2024!" is "password").
 * The list is loaded only when a password is set, not at server start.
 * @see https://pages.nist.gov/800-63-4/sp800-63b.html
 */
export async function checkPasswordPolicy(password: string, username: string): Promise<void> {
  checkPasswordLength(password);
  const lower = password.normalize('NFC').toLowerCase();
  if (lower.includes(username.toLowerCase())) throw new UserError('password: must not contain the username');
  const { dictionary } = await import('@zxcvbn-ts/language-common');
  const common = dictionary['passwords-common'];
  const stem = lower.replace(/[\d\W_]+$/u, '');
  if (common.includes(lower) || (stem.length >= 4 && common.includes(stem))) {
    throw new UserError('password: this is one of the most common passwords (an attacker tries those first); choose another');
  }
}
