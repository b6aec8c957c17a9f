import type { IdpPolicy } from './presets.js';
import type { UpstreamIdentity } from './upstream.js';

export type PolicyDecision = { allowed: true; isAdmin: boolean } | { allowed: false; why: string };

/**
 * Who may sign in through a provider, and who is an administrator (docs/identity.md, policies). Emails count only
 * when the provider says they are verified: an unverified address is whatever the person typed.
 */
export function decide(policy: IdpPolicy, who: UpstreamIdentity): PolicyDecision {
  const email = who.emailVerified && who.email ? who.email.toLowerCase() : undefined;
  const domain = email?.slice(email.lastIndexOf('@') + 1);
  const restricted = policy.allowedDomains.length > 0 || policy.allowedEmails.length > 0;
  if (restricted) {
    const byEmail = email !== undefined && policy.allowedEmails.includes(email);
    const byDomain = domain !== undefined && policy.allowedDomains.includes(domain);
    if (!byEmail && !byDomain) {
      return { allowed: false, why: email ? `the email ${email} is not in an allowed domain or list` : 'the provider gave no verified email, and only listed emails or domains may sign in' };
    }
  }
  if (policy.requiredGroup && !who.groups.includes(policy.requiredGroup)) {
    return { allowed: false, why: `not a member of the required group ${policy.requiredGroup}` };
  }
  const isAdmin = (email !== undefined && policy.adminEmails.includes(email)) || (policy.adminGroup !== undefined && who.groups.includes(policy.adminGroup));
  return { allowed: true, isAdmin };
}
