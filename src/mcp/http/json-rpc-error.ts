/** A JSON-RPC 2.0 error answer with an HTTP status, the shape MCP transports use for transport-level refusals. */
export function jsonRpcError(status: number, code: number, message: string, id: string | number | null = null): Response {
  return Response.json(jsonRpcErrorBody(code, message, id), { status });
}

/** The body of {@link jsonRpcError}, for a route node:http answers directly. */
export function jsonRpcErrorBody(code: number, message: string, id: string | number | null = null) {
  return { jsonrpc: '2.0', error: { code, message }, id };
}

/** The JSON-RPC id of a parsed body, when it has a usable one. */
export function requestIdOf(body: unknown): string | number | null {
  const id = body && typeof body === 'object' && !Array.isArray(body) ? (body as { id?: unknown }).id : undefined;
  return typeof id === 'string' || typeof id === 'number' ? id : null;
}
