import { parseJson, type BodyReader } from './http.js';
import { maskJson } from './mask.js';

/**
 * Reading a JSON-RPC answer from a Streamable HTTP POST: the server may answer `application/json` or open a
 * `text/event-stream` and send the response as one of its events (MCP transports, "Sending Messages to the
 * Server"). The stream is read only until the response with the request's id arrives, then released.
 */

export interface SseEvent {
  event: string;
  data: string;
}

/** Splits complete SSE events off the front of a buffer; returns them and the unfinished rest. */
export function takeSseEvents(buffer: string): { events: SseEvent[]; rest: string } {
  const events: SseEvent[] = [];
  const normalized = buffer.replace(/\r\n?/g, '\n');
  const blocks = normalized.split('\n\n');
  const rest = blocks.pop() ?? '';
  for (const block of blocks) {
    let event = 'message';
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon === -1 ? line : line.slice(0, colon);
      const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length) events.push({ event, data: data.join('\n') });
  }
  return { events, rest };
}

function isResponseTo(message: unknown, id: string | number): boolean {
  return !!message && typeof message === 'object' && (message as { id?: unknown }).id === id && ('result' in message || 'error' in message);
}

/** A body reader that returns the JSON-RPC response with `id`, from a JSON body or an event stream. */
export function jsonRpcReader(id: string | number): BodyReader {
  return async (res) => {
    const type = res.headers.get('content-type') ?? '';
    if (!type.includes('text/event-stream') || !res.body) {
      const text = await res.text();
      return { text, json: parseJson(text) };
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    let raw = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        raw += value;
        const { events, rest } = takeSseEvents(buffer);
        buffer = rest;
        for (const e of events) {
          const message = parseJson(e.data);
          if (isResponseTo(message, id)) return { text: raw, json: message, display: `event: ${e.event}\ndata: ${JSON.stringify(maskJson(message), null, 2)}` };
        }
      }
    } finally {
      await reader.cancel().catch(() => undefined);
    }
    return { text: raw, json: undefined };
  };
}
