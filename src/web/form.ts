import type { Context } from 'hono';

/** The string fields of a submitted page form (urlencoded or multipart); files and repeats beyond the last are ignored. */
export async function readPageForm(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') fields[name] = value;
  return fields;
}

/** Every value of a repeated field (a group of checkboxes) of a submitted page form. */
export async function readRepeatedField(c: Context, name: string): Promise<string[]> {
  const value = (await c.req.parseBody({ all: true }))[name];
  const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
  return values.filter((v): v is string => typeof v === 'string');
}
