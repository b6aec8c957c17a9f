import type { z } from 'zod';
import type { ToolAnnotations } from '@modelcontextprotocol/server';
import type { Caller } from '../resource-server/types.js';

export type { Caller };

/** A tool's answer: structured data plus a line of text, or a message the model can act on (isError). */
export type ToolOutcome<O> = { ok: true; data: O; text: string } | { ok: false; message: string };

/**
 * One MCP tool. `requiredScopes` is the single declaration that drives scopes_supported, the 401 challenge
 * scope and the 403 insufficient_scope step-up (RS-6).
 */
export interface ToolDefinition<I extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  name: string;
  title?: string;
  description: string;
  requiredScopes: readonly string[];
  inputSchema: I;
  /** When given, `data` is sent as structuredContent (and the SDK checks it against this schema). */
  outputSchema?: O;
  annotations?: ToolAnnotations;
  run(args: z.output<I>, caller: Caller): Promise<ToolOutcome<z.output<O>>>;
}

/** Keeps each tool's input/output types checked while letting a list hold tools of different shapes. */
export function defineTool<I extends z.ZodObject, O extends z.ZodObject>(tool: ToolDefinition<I, O>): ToolDefinition {
  return tool as unknown as ToolDefinition;
}
