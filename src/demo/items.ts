/** The longest item name, after trimming. */
export const MAX_ITEM_NAME_LENGTH = 200;

/** An item field that breaks a rule: which field, and why, in words both the API and the tools show. */
export class ItemError extends Error {
  override name = 'ItemError';
  constructor(
    readonly field: 'name' | 'value',
    readonly reason: string,
  ) {
    super(`${field} ${reason}`);
  }
}

/**
 * The one place the rules of a data item live, for the MCP tools and the REST API alike: a name is trimmed
 * and must then be 1 to 200 characters; a value is a finite number. Returns the fields given, normalised.
 */
export function normaliseItem<T extends { name?: string | undefined; value?: number | undefined }>(input: T): T {
  const out = { ...input };
  if (input.name !== undefined) {
    if (input.name === '') throw new ItemError('name', 'must not be empty');
    const name = input.name.trim();
    if (name === '') throw new ItemError('name', 'must not be blank');
    if (name.length > MAX_ITEM_NAME_LENGTH) throw new ItemError('name', `must be at most ${MAX_ITEM_NAME_LENGTH} characters`);
    out.name = name;
  }
  if (input.value !== undefined && !Number.isFinite(input.value)) throw new ItemError('value', 'must be a finite number');
  return out;
}
