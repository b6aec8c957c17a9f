import * as z from 'zod';
import { defineTool, type ToolDeps } from './types.js';

/** The caller's profile as this resource server knows it: the token's subject and what it may do here. */
export const getUserProfileTool = (deps: ToolDeps) =>
  defineTool({
    name: 'get_user_profile',
    title: 'Get user profile',
    description: 'Returns the profile of the signed-in user: id, the client acting for them, granted scopes and item count.',
    requiredScopes: ['read'],
    inputSchema: z.object({}),
    outputSchema: z.object({
      user_id: z.string(),
      client_id: z.string(),
      scopes: z.array(z.string()),
      data_item_count: z.number().int(),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    async run(_args, caller) {
      const items = await deps.data.list(caller.subject);
      const data = { user_id: caller.subject, client_id: caller.clientId, scopes: caller.scopes, data_item_count: items.length };
      return { ok: true, data, text: `User ${caller.subject} (client ${caller.clientId}) has ${items.length} data item(s).` };
    },
  });
