import type { Caller, Clock } from '../../index.js';
import type { DataService } from '../data-service.js';

export { defineTool, type Caller, type ToolDefinition, type ToolOutcome } from '../../index.js';

/** What the demo's tools are built from. */
export interface ToolDeps {
  data: DataService;
  clock: Clock;
  /** Present in server-managed mode: obtains a new server token and says whose it is. */
  serverManaged?: { reacquire(): Promise<Caller> };
  /** The caller's current token at an upstream identity provider, when the server keeps them (ToolContext.upstream). */
  upstream?: (caller: Caller, provider: string) => Promise<string | undefined>;
}
