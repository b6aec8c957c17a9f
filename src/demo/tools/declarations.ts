import { allTools } from './index.js';
import type { ToolDeps } from './types.js';

/**
 * What each demo tool declares (name, title, requiredScopes), without a server to run it: the authorization
 * server's `tools` option, for the consent page's list of the tools each scope unlocks. The tools are built with
 * deps they never reach, as only `run` uses deps.
 */
export function demoToolDeclarations(): { name: string; title?: string; requiredScopes: readonly string[] }[] {
  const unused = new Proxy({} as ToolDeps, {
    get: () => {
      throw new Error('a tool declaration was asked to run');
    },
  });
  return allTools(unused).map((t) => ({ name: t.name, ...(t.title !== undefined && { title: t.title }), requiredScopes: t.requiredScopes }));
}
