import type { Clock } from '../../clock.js';
import type { DataService } from '../../data/data-service.js';
import type { Caller } from '../../resource-server/types.js';

export { defineTool, type Caller, type ToolDefinition, type ToolOutcome } from '../tool.js';

/** What tools are built from (style rule 6). */
export interface ToolDeps {
  data: DataService;
  clock: Clock;
  /** Present in server-managed mode: obtains a new server token and says whose it is. */
  serverManaged?: { reacquire(): Promise<Caller> };
}
