import * as z from 'zod';
import { defineTool, type ToolDeps } from './types.js';

/**
 * The original's oauth_authenticate: tells the caller who it is, from the token it presented. No scope needed.
 * In server-managed mode it (re)acquires the server's own token first, as the original did.
 */
export const oauthAuthenticateTool = (deps: ToolDeps) =>
  defineTool({
    name: 'oauth_authenticate',
    title: 'Who am I',
    description:
      'Shows the OAuth identity this connection uses: subject, client, granted scopes and when the access token expires.',
    requiredScopes: [],
    inputSchema: z.object({}),
    outputSchema: z.object({
      authenticated: z.boolean(),
      subject: z.string(),
      client_id: z.string(),
      scopes: z.array(z.string()),
      expires_at: z.string(),
      expires_in: z.number().int(),
      mode: z.enum(['oauth', 'server-managed']),
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    async run(_args, presented) {
      const caller = deps.serverManaged ? await deps.serverManaged.reacquire() : presented;
      const expiresIn = Math.max(0, caller.expiresAt - deps.clock());
      const data = {
        authenticated: true,
        subject: caller.subject,
        client_id: caller.clientId,
        scopes: caller.scopes,
        expires_at: new Date(caller.expiresAt * 1000).toISOString(),
        expires_in: expiresIn,
        mode: deps.serverManaged ? ('server-managed' as const) : ('oauth' as const),
      };
      const scopes = caller.scopes.length ? caller.scopes.join(' ') : '(none)';
      return {
        ok: true,
        data,
        text: `${deps.serverManaged ? 'Obtained a new server token. ' : ''}Authenticated as ${caller.subject} via client ${caller.clientId}; scopes: ${scopes}; token expires in ${expiresIn} s.`,
      };
    },
  });
