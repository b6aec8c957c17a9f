import { maskAuthorization, maskJson, maskParams, maskUrl } from './mask.js';

/** What a command needs to speak HTTP: a fetch, a per-request timeout and a clock for timings. */
export interface HttpDeps {
  fetch: typeof fetch;
  timeoutMs: number;
  now: () => number;
}

export interface HttpRequest {
  method?: string;
  url: string;
  headers?: Record<string, string>;
  /** A JSON body (sets Content-Type). */
  json?: unknown;
  /** A form body (sets Content-Type). */
  form?: Record<string, string>;
  redirect?: RequestRedirect;
}

/** One request and its response as they are printed: secrets masked. */
export interface Exchange {
  method: string;
  url: string;
  requestHeaders: [string, string][];
  requestBody?: string;
  status: number;
  statusText: string;
  responseHeaders: [string, string][];
  responseBody: string;
  ms: number;
}

/** A response whose body has been read: the raw text, the parsed JSON when it is JSON, and the printable exchange. */
export interface Sent {
  res: Response;
  text: string;
  json: unknown;
  exchange: Exchange;
}

/**
 * Reads a body; the MCP client replaces it to stop at the JSON-RPC response inside an event stream. `display`,
 * when given, is what is printed instead of the JSON (a string is printed as it is, already masked).
 */
export type BodyReader = (res: Response) => Promise<{ text: string; json: unknown; display?: unknown }>;

/** Response headers worth showing: the ones the protocol steps turn on. */
const SHOWN_RESPONSE_HEADERS = ['location', 'www-authenticate', 'content-type', 'mcp-session-id', 'cache-control'];

export const readText: BodyReader = async (res) => {
  const text = await res.text();
  return { text, json: parseJson(text) };
};

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Sends a request with a timeout and reads the body, timing both; `read` decides how the body is read. */
export async function send(http: HttpDeps, req: HttpRequest, read: BodyReader = readText): Promise<Sent> {
  const method = req.method ?? (req.json !== undefined || req.form ? 'POST' : 'GET');
  const headers: Record<string, string> = { ...req.headers };
  let body: string | undefined;
  let shownBody: string | undefined;
  if (req.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(req.json);
    shownBody = JSON.stringify(maskJson(req.json), null, 2);
  } else if (req.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    const params = new URLSearchParams(req.form);
    body = params.toString();
    shownBody = maskParams(params);
  }
  const started = http.now();
  const signal = AbortSignal.timeout(http.timeoutMs);
  let res: Response;
  let read_: Awaited<ReturnType<BodyReader>>;
  try {
    res = await http.fetch(req.url, { method, headers, body, redirect: req.redirect ?? 'manual', signal });
    read_ = await read(res);
  } catch (err) {
    throw new Error(`${method} ${req.url}: ${describeFetchError(err, http.timeoutMs)}`, { cause: err });
  }
  const ms = Math.round(http.now() - started);
  const exchange: Exchange = {
    method,
    url: maskUrl(req.url),
    requestHeaders: Object.entries(headers).map(([k, v]) => [k, k.toLowerCase() === 'authorization' ? maskAuthorization(v) : v]),
    ...(shownBody !== undefined && { requestBody: shownBody }),
    status: res.status,
    statusText: res.statusText,
    responseHeaders: SHOWN_RESPONSE_HEADERS.flatMap((h) => {
      const v = res.headers.get(h);
      if (v === null) return [];
      return [[h, h === 'location' && URL.canParse(v) ? maskUrl(v) : v] as [string, string]];
    }),
    responseBody: displayBody(read_.display ?? read_.json, read_.text),
    ms,
  };
  return { res, text: read_.text, json: read_.json, exchange };
}

function displayBody(json: unknown, text: string): string {
  if (typeof json === 'string') return json;
  if (json !== undefined) return JSON.stringify(maskJson(json), null, 2);
  return text;
}

/** Why a request got no answer, in words: a timeout, a refused connection, a DNS failure. */
export function describeFetchError(err: unknown, timeoutMs: number): string {
  const e = err as Error & { cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const code = e?.cause?.code;
  if (code === 'ECONNREFUSED') return 'connection refused (is the server running?)';
  if (code === 'ENOTFOUND') return 'host not found';
  return e?.cause?.message ?? e?.message ?? String(err);
}
