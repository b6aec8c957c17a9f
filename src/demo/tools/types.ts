import type { Clock } from '../../clock.js';
import type { DataService } from '../data-service.js';
import type { Caller } from '../../index.js';

export { defineTool, type Caller, type ToolDefinition, type ToolOutcome } from '../../index.js';

/** What the demo's tools are built from. */
export interface ToolDeps {
  data: DataService;
  clock: Clock;
  /** Present in server-managed mode: obtains a new server token and says whose it is. */
  serverManaged?: { reacquire(): Promise<Caller> };
}
