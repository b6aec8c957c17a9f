import * as z from 'zod';

/** A data item as tools return it (the data service's wire form). */
export const dataItemSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  value: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});

export const itemIdSchema = z
  .number({ error: 'item_id must be a number (the id of one of your data items)' })
  .int({ error: 'item_id must be a whole number' })
  .positive({ error: 'item_id must be positive' });

/** The type only: the rules of a name (trimmed, 1 to 200 characters) are the data layer's (../items.ts). */
export const itemNameSchema = z.string({ error: 'name is required and must be a string' });

/** The type only: finiteness is checked by the data layer (../items.ts). */
export const itemValueSchema = z.number({ error: 'value must be a number' });
