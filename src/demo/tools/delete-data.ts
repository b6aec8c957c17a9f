import * as z from 'zod';
import { itemIdSchema } from './item-schema.js';
import { defineTool, type ToolDeps } from './types.js';

/** Deletes one of the caller's items. */
export const deleteDataTool = (deps: ToolDeps) =>
  defineTool({
    name: 'delete_data',
    title: 'Delete data item',
    description: 'Deletes one of your data items, by id.',
    requiredScopes: ['write'],
    inputSchema: z.object({ item_id: itemIdSchema.describe('Id of the item to delete') }),
    outputSchema: z.object({ deleted: z.boolean(), item_id: z.number().int() }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    async run({ item_id }, caller) {
      const deleted = await deps.data.remove(caller.subject, item_id);
      if (!deleted) return { ok: false, message: `No data item with id ${item_id}. Call get_data to see your items.` };
      return { ok: true, data: { deleted: true, item_id }, text: `Deleted item #${item_id}.` };
    },
  });
