/** A refused user operation (bad username, weak password, duplicate); the message is shown as it is. */
export class UserError extends Error {
  override name = 'UserError';
}
