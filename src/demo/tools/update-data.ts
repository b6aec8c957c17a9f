import * as z from 'zod';
import { dataItemSchema, itemIdSchema, itemNameSchema, itemValueSchema } from './item-schema.js';
import { ItemError } from '../items.js';
import { QuotaExceededError } from '../quota.js';
import { defineTool, type ToolDeps } from './types.js';

/** Changes the name and/or value of one of the caller's items. */
export const updateDataTool = (deps: ToolDeps) =>
  defineTool({
    name: 'update_data',
    title: 'Update data item',
    description: 'Changes the name and/or the value of one of your data items, by id.',
    requiredScopes: ['write'],
    inputSchema: z.object({
      item_id: itemIdSchema.describe('Id of the item to change'),
      name: itemNameSchema.optional().describe('New name'),
      value: itemValueSchema.optional().describe('New numeric value'),
    }),
    outputSchema: z.object({ item: dataItemSchema }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    async run({ item_id, name, value }, caller) {
      if (name === undefined && value === undefined) return { ok: false, message: 'Nothing to change: give a name, a value or both.' };
      const patch = { ...(name !== undefined && { name }), ...(value !== undefined && { value }) };
      let item;
      try {
        item = await deps.data.update(caller.subject, item_id, patch);
      } catch (err) {
        if (err instanceof ItemError || err instanceof QuotaExceededError) return { ok: false, message: err.message };
        throw err;
      }
      if (!item) return { ok: false, message: `No data item with id ${item_id}. Call get_data to see your items.` };
      return { ok: true, data: { item }, text: `Updated item #${item.id}: ${item.name} = ${item.value}.` };
    },
  });
