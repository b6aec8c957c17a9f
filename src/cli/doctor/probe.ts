import { describeFetchError, parseJson, type HttpDeps } from '../flow/http.js';

/** One probe's answer, or why there was none. A probe never throws: the doctor reports what it saw. */
export interface ProbeResult {
  method: string;
  url: string;
  /** 0 when there was no answer (see `error`). */
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
  ms: number;
  error?: string;
}

export interface Prober {
  request(url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }): Promise<ProbeResult>;
  /** Every request made so far with its time, for the response-time row. */
  readonly timings: { method: string; url: string; ms: number; timedOut: boolean }[];
}

/** Bodies are read up to this size: metadata documents are small, an endless page is not. */
const MAX_BODY_CHARS = 256 * 1024;

/** Sends probes with a timeout each, never following redirects, timing each one. */
export function createProber(http: HttpDeps): Prober {
  const timings: Prober['timings'] = [];
  return {
    timings,
    async request(url, init = {}) {
      const method = init.method ?? 'GET';
      const started = http.now();
      try {
        const res = await http.fetch(url, {
          method,
          headers: init.headers,
          body: init.body,
          redirect: 'manual',
          signal: AbortSignal.timeout(http.timeoutMs),
        });
        const text = (await res.text()).slice(0, MAX_BODY_CHARS);
        const ms = Math.round(http.now() - started);
        timings.push({ method, url, ms, timedOut: false });
        return { method, url, status: res.status, headers: res.headers, text, json: parseJson(text), ms };
      } catch (err) {
        const ms = Math.round(http.now() - started);
        const error = describeFetchError(err, http.timeoutMs);
        timings.push({ method, url, ms, timedOut: error.startsWith('no answer') });
        return { method, url, status: 0, headers: new Headers(), text: '', json: undefined, ms, error };
      }
    },
  };
}

/** A short account of an answer for a table cell: the error, or the status and a hint of the body. */
export function describeAnswer(r: ProbeResult): string {
  if (r.error) return r.error;
  const type = r.headers.get('content-type') ?? 'no content type';
  return `HTTP ${r.status} (${type.split(';')[0]})`;
}

/** The JSON object of a successful answer, or undefined. */
export function jsonObject(r: ProbeResult): Record<string, unknown> | undefined {
  return r.status === 200 && r.json && typeof r.json === 'object' && !Array.isArray(r.json) ? (r.json as Record<string, unknown>) : undefined;
}
