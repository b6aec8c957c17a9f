import { QuotaExceededError } from '../../data/quota.js';

/** A full quota (data/quota.ts) becomes the tool error's message, which the model can act on; anything else propagates. */
export function quotaMessage(err: unknown): string {
  if (err instanceof QuotaExceededError) return `${err.message[0]!.toUpperCase()}${err.message.slice(1)}.`;
  throw err;
}
