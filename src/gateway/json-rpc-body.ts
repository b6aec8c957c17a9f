/**
 * The JSON-RPC messages of an upstream's answer to a POST, which is either one JSON document (a message or a
 * batch) or an SSE stream whose events carry one message each in their `data` lines (MCP transports,
 * "Sending Messages to the Server"). The pass-through reads them only where it must: the outcome of a tool
 * call for the audit trail, and the results it rewrites (initialize, tools/list).
 * @see https://modelcontextprotocol.io/specification/2025-06-18/basic/transports#sending-messages-to-the-server
 */
export type Message = Record<string, unknown>;

export const isSse = (contentType: string | undefined) => !!contentType && contentType.startsWith('text/event-stream');

/** Every message of the body, in order; what does not parse is skipped. */
export function messagesOf(text: string, sse: boolean): Message[] {
  if (!sse) return flatten(parse(text));
  const out: Message[] = [];
  for (const event of splitEvents(text)) out.push(...flatten(parse(dataOf(event))));
  return out;
}

/** The response to `id` among the messages, if any. */
export function responseTo(messages: readonly Message[], id: unknown): Message | undefined {
  return messages.find((m) => m['id'] === id && m['method'] === undefined);
}

/**
 * The body with the result of the response to `id` replaced by `rewrite(result)`; every other message, event
 * line (event:, id:) and byte stays as the upstream sent it.
 */
export function rewriteResult(text: string, sse: boolean, id: unknown, rewrite: (result: Message) => Message): string {
  const change = (m: unknown) => {
    if (!m || typeof m !== 'object' || Array.isArray(m)) return undefined;
    const message = m as Message;
    if (message['id'] !== id || message['method'] !== undefined || !message['result'] || typeof message['result'] !== 'object') return undefined;
    return { ...message, result: rewrite(message['result'] as Message) };
  };
  if (!sse) {
    const changed = change(parse(text));
    return changed ? JSON.stringify(changed) : text;
  }
  const separator = text.includes('\r\n\r\n') ? '\r\n\r\n' : '\n\n';
  return text
    .split(separator)
    .map((event) => {
      const changed = change(parse(dataOf(event)));
      if (!changed) return event;
      const kept = event.split(/\r?\n/).filter((line) => !line.startsWith('data:'));
      return [...kept, `data: ${JSON.stringify(changed)}`].join('\n');
    })
    .join(separator);
}

/** One SSE event carrying `message`, as the SDK servers write them. */
export function sseEvent(message: Message): string {
  return `event: message\ndata: ${JSON.stringify(message)}\n\n`;
}

function splitEvents(text: string): string[] {
  return text.split(/\r?\n\r?\n/);
}

/** An event's data: its `data:` lines joined by newlines (one optional space after the colon is dropped). */
function dataOf(event: string): string {
  let data: string | undefined;
  for (const line of event.split(/\r?\n/)) {
    if (!line.startsWith('data:')) continue;
    const value = line.charCodeAt(5) === 32 ? line.slice(6) : line.slice(5);
    data = data === undefined ? value : `${data}\n${value}`;
  }
  return data ?? '';
}

function parse(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function flatten(value: unknown): Message[] {
  const list = Array.isArray(value) ? value : [value];
  return list.filter((m): m is Message => !!m && typeof m === 'object' && !Array.isArray(m));
}
