import { z } from 'zod';
import { defineTool, type ToolDeps } from './types.js';

/** The original's oauth_authenticate: tells the caller who it is, from the token it presented. No scope needed. */
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
    }),
    annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
    async run(_args, caller) {
      const expiresIn = Math.max(0, caller.expiresAt - deps.clock());
      const data = {
        authenticated: true,
        subject: caller.subject,
        client_id: caller.clientId,
        scopes: caller.scopes,
        expires_at: new Date(caller.expiresAt * 1000).toISOString(),
        expires_in: expiresIn,
      };
      const scopes = caller.scopes.length ? caller.scopes.join(' ') : '(none)';
      return {
        ok: true,
        data,
        text: `Authenticated as ${caller.subject} via client ${caller.clientId}; scopes: ${scopes}; token expires in ${expiresIn} s.`,
      };
    },
  });
