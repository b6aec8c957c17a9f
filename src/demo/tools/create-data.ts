import * as z from 'zod';
import { dataItemSchema, itemNameSchema, itemValueSchema } from './item-schema.js';
import { ItemError } from '../items.js';
import { QuotaExceededError } from '../quota.js';
import { defineTool, type ToolDeps } from './types.js';

/** Creates a data item owned by the caller. */
export const createDataTool = (deps: ToolDeps) =>
  defineTool({
    name: 'create_data',
    title: 'Create data item',
    description: 'Creates a data item with a name and a numeric value.',
    requiredScopes: ['write'],
    inputSchema: z.object({
      name: itemNameSchema.describe('Name of the item'),
      value: itemValueSchema.describe('Numeric value of the item'),
    }),
    outputSchema: z.object({ item: dataItemSchema }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
    async run({ name, value }, caller) {
      let item;
      try {
        item = await deps.data.create(caller.subject, { name, value });
      } catch (err) {
        if (err instanceof ItemError || err instanceof QuotaExceededError) return { ok: false, message: err.message };
        throw err;
      }
      return { ok: true, data: { item }, text: `Created item #${item.id} ${item.name} = ${item.value}.` };
    },
  });
