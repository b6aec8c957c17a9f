import type { z } from 'zod';
import type { ToolAnnotations } from '@modelcontextprotocol/server';
import type { Clock } from '../../clock.js';
import type { DataService } from '../../data/data-service.js';
import type { Scope } from '../../oauth/scopes.js';

/** Who is calling a tool: taken from the verified access token, never from the tool's arguments. */
export interface Caller {
  subject: string;
  clientId: string;
  scopes: string[];
  /** Unix seconds. */
  expiresAt: number;
  issuedAt: number;
}

/** What tools are built from (docs/conventions.md). */
export interface ToolDeps {
  data: DataService;
  clock: Clock;
  /** Present in server-managed mode: obtains a new server token and says whose it is. */
  serverManaged?: { reacquire(): Promise<Caller> };
}

/** A tool's answer: structured data plus a line of text, or a message the model can act on (isError). */
export type ToolOutcome<O> = { ok: true; data: O; text: string } | { ok: false; message: string };

/**
 * One MCP tool. `requiredScopes` is the single declaration that drives scopes_supported, the 401 challenge
 * scope and the 403 insufficient_scope step-up (RS-6).
 */
export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title: string;
  description: string;
  requiredScopes: readonly Scope[];
  inputSchema: I;
  outputSchema: O;
  annotations: ToolAnnotations;
  run(args: z.output<I>, caller: Caller): Promise<ToolOutcome<z.output<O>>>;
}

/** Keeps each tool's input/output types checked while letting the list hold tools of different shapes. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(tool: ToolDefinition<I, O>): ToolDefinition {
  return tool as unknown as ToolDefinition;
}
