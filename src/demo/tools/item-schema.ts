import { z } from 'zod';

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

export const itemNameSchema = z
  .string({ error: 'name is required and must be a string' })
  .trim()
  .min(1, { error: 'name must not be empty' })
  .max(200, { error: 'name must be at most 200 characters' });

export const itemValueSchema = z
  .number({ error: 'value must be a number' })
  .refine(Number.isFinite, { error: 'value must be a finite number' });
