import { z } from 'zod';
import { dataItemSchema, itemNameSchema, itemValueSchema } from './item-schema.js';
import { quotaMessage } from './quota-message.js';
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
      const item = await deps.data.create(caller.subject, { name, value }).catch(quotaMessage);
      if (typeof item === 'string') return { ok: false, message: item };
      return { ok: true, data: { item }, text: `Created item #${item.id} ${item.name} = ${item.value}.` };
    },
  });
