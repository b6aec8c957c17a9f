import * as z from 'zod';
import { dataItemSchema } from './item-schema.js';
import { defineTool, type ToolDeps } from './types.js';

/** Lists the caller's data items. */
export const getDataTool = (deps: ToolDeps) =>
  defineTool({
    name: 'get_data',
    title: 'List data items',
    description: 'Lists your data items (id, name, numeric value, timestamps).',
    requiredScopes: ['read'],
    inputSchema: z.object({}),
    outputSchema: z.object({ items: z.array(dataItemSchema), count: z.number().int() }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    async run(_args, caller) {
      const items = await deps.data.list(caller.subject);
      const lines = items.map((i) => `#${i.id} ${i.name} = ${i.value}`);
      const text = items.length ? `${items.length} item(s):\n${lines.join('\n')}` : 'No data items yet.';
      // A copy of the list: the same list may answer other calls (DataService.list).
      return { ok: true, data: { items: [...items], count: items.length }, text };
    },
  });
