import type { Context } from 'hono';

/** The string fields of a submitted page form (urlencoded or multipart); files and repeats beyond the last are ignored. */
export async function readPageForm(c: Context): Promise<Record<string, string>> {
  const body = await c.req.parseBody();
  const fields: Record<string, string> = Object.create(null);
  for (const [name, value] of Object.entries(body)) if (typeof value === 'string') fields[name] = value;
  return fields;
}
