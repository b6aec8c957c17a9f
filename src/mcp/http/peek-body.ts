/**
 * Reads a POST body as JSON from a clone, leaving the request readable for the SDK. `undefined` when the body
 * is empty or not JSON; the SDK then answers the parse error itself.
 */
export async function peekJsonBody(request: Request): Promise<unknown> {
  if (request.method !== 'POST') return undefined;
  const text = await request.clone().text();
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
