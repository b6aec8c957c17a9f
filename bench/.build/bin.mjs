// src/cli/doctor.ts
import { randomInt } from "node:crypto";
import { parseArgs } from "node:util";

// src/flow/mask.ts
var SECRET_FIELDS = /* @__PURE__ */ new Set([
  "client_secret",
  "code",
  "code_verifier",
  "access_token",
  "refresh_token",
  "id_token",
  "token",
  "password"
]);
function mask(secret) {
  return secret.length > 6 ? `${secret.slice(0, 6)}\u2026` : "\u2026";
}
function maskJson(value2) {
  if (Array.isArray(value2)) return value2.map(maskJson);
  if (value2 && typeof value2 === "object") {
    return Object.fromEntries(
      Object.entries(value2).map(([k, v]) => [k, SECRET_FIELDS.has(k) && typeof v === "string" ? mask(v) : maskJson(v)])
    );
  }
  return value2;
}
function maskParams(params) {
  return [...params].map(([k, v]) => `${k}=${SECRET_FIELDS.has(k) ? mask(v) : v}`).join("&");
}
function maskUrl(url) {
  const u = new URL(url);
  if (!u.search) return url;
  return `${u.origin}${u.pathname}?${maskParams(u.searchParams)}`;
}
function maskAuthorization(value2) {
  const space = value2.indexOf(" ");
  return space === -1 ? mask(value2) : `${value2.slice(0, space)} ${mask(value2.slice(space + 1))}`;
}

// src/flow/http.ts
var SHOWN_RESPONSE_HEADERS = ["location", "www-authenticate", "content-type", "mcp-session-id", "cache-control"];
var readText = async (res) => {
  const text2 = await res.text();
  return { text: text2, json: parseJson(text2) };
};
function parseJson(text2) {
  try {
    return JSON.parse(text2);
  } catch {
    return void 0;
  }
}
async function send(http2, req, read = readText) {
  const method = req.method ?? (req.json !== void 0 || req.form ? "POST" : "GET");
  const headers = { ...req.headers };
  let body;
  let shownBody;
  if (req.json !== void 0) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(req.json);
    shownBody = JSON.stringify(maskJson(req.json), null, 2);
  } else if (req.form) {
    headers["content-type"] = "application/x-www-form-urlencoded";
    const params = new URLSearchParams(req.form);
    body = params.toString();
    shownBody = maskParams(params);
  }
  const started = http2.now();
  const signal = AbortSignal.timeout(http2.timeoutMs);
  let res;
  let read_;
  try {
    res = await http2.fetch(req.url, { method, headers, body, redirect: req.redirect ?? "manual", signal });
    read_ = await read(res);
  } catch (err) {
    throw new Error(`${method} ${req.url}: ${describeFetchError(err, http2.timeoutMs)}`, { cause: err });
  }
  const ms = Math.round(http2.now() - started);
  const exchange = {
    method,
    url: maskUrl(req.url),
    requestHeaders: Object.entries(headers).map(([k, v]) => [k, k.toLowerCase() === "authorization" ? maskAuthorization(v) : v]),
    ...shownBody !== void 0 && { requestBody: shownBody },
    status: res.status,
    statusText: res.statusText,
    responseHeaders: SHOWN_RESPONSE_HEADERS.flatMap((h) => {
      const v = res.headers.get(h);
      if (v === null) return [];
      return [[h, h === "location" && URL.canParse(v) ? maskUrl(v) : v]];
    }),
    responseBody: displayBody(read_.display ?? read_.json, read_.text),
    ms
  };
  return { res, text: read_.text, json: read_.json, exchange };
}
function displayBody(json, text2) {
  if (typeof json === "string") return json;
  if (json !== void 0) return JSON.stringify(maskJson(json), null, 2);
  return text2;
}
function describeFetchError(err, timeoutMs) {
  const e = err;
  if (e?.name === "TimeoutError" || e?.name === "AbortError") return `no answer within ${timeoutMs / 1e3} s`;
  const code = e?.cause?.code;
  if (code === "ECONNREFUSED") return "connection refused (is the server running?)";
  if (code === "ENOTFOUND") return "host not found";
  return e?.cause?.message ?? e?.message ?? String(err);
}

// src/doctor/probe.ts
var MAX_BODY_CHARS = 256 * 1024;
function createProber(http2) {
  const timings = [];
  return {
    timings,
    async request(url, init = {}) {
      const method = init.method ?? "GET";
      const started = http2.now();
      try {
        const res = await http2.fetch(url, {
          method,
          headers: init.headers,
          body: init.body,
          redirect: "manual",
          signal: AbortSignal.timeout(http2.timeoutMs)
        });
        const text2 = (await res.text()).slice(0, MAX_BODY_CHARS);
        const ms = Math.round(http2.now() - started);
        timings.push({ method, url, ms, timedOut: false });
        return { method, url, status: res.status, headers: res.headers, text: text2, json: parseJson(text2), ms };
      } catch (err) {
        const ms = Math.round(http2.now() - started);
        const error = describeFetchError(err, http2.timeoutMs);
        timings.push({ method, url, ms, timedOut: error.startsWith("no answer") });
        return { method, url, status: 0, headers: new Headers(), text: "", json: void 0, ms, error };
      }
    }
  };
}
function describeAnswer(r) {
  if (r.error) return r.error;
  const type = r.headers.get("content-type") ?? "no content type";
  return `HTTP ${r.status} (${type.split(";")[0]})`;
}
function jsonObject(r) {
  return r.status === 200 && r.json && typeof r.json === "object" && !Array.isArray(r.json) ? r.json : void 0;
}

// src/doctor/well-known.ts
function pathOf(url) {
  return url.pathname.replace(/\/+$/, "");
}
function protectedResourceMetadataUrls(resource) {
  const u = new URL(resource);
  const path = pathOf(u);
  const root = `${u.origin}/.well-known/oauth-protected-resource`;
  return path ? { pathAware: `${root}${path}`, root } : { root };
}
function authorizationServerMetadataUrls(issuer) {
  const u = new URL(issuer);
  const path = pathOf(u);
  const oauth = `${u.origin}/.well-known/oauth-authorization-server`;
  const oidc = `${u.origin}/.well-known/openid-configuration`;
  if (!path) {
    return [
      { label: "OAuth (RFC 8414)", url: oauth, optional: false },
      { label: "OpenID discovery", url: oidc, optional: false }
    ];
  }
  return [
    { label: "OAuth, path-inserted", url: `${oauth}${path}`, optional: false },
    { label: "OpenID, path-inserted", url: `${oidc}${path}`, optional: false },
    { label: "OpenID, path-appended", url: `${u.origin}${path}/.well-known/openid-configuration`, optional: false },
    { label: "OAuth, root", url: oauth, optional: true },
    { label: "OpenID, root", url: oidc, optional: true }
  ];
}
function sameButTrailingSlash(a, b) {
  return a !== b && a.replace(/\/+$/, "") === b.replace(/\/+$/, "");
}

// src/doctor/checks/as-metadata.ts
var REQUIRED = ["authorization_endpoint", "token_endpoint", "response_types_supported"];
var MUST_AGREE = ["authorization_endpoint", "token_endpoint", "registration_endpoint", "jwks_uri", "code_challenge_methods_supported"];
function disagreements(a, b) {
  return MUST_AGREE.filter((f) => JSON.stringify(a[f]) !== JSON.stringify(b[f]));
}
async function checkAuthorizationServerMetadata(ctx, found) {
  const issuer = found.issuer;
  if (!issuer) return [{ verdict: "skip", rule: "AS-1", check: "authorization server metadata", detail: "no authorization server was discovered" }];
  const rows = [];
  let refused2;
  for (const { label: label2, url, optional } of authorizationServerMetadataUrls(issuer)) {
    const check2 = `AS metadata, ${label2}`;
    const r = await ctx.prober.request(url, { headers: { accept: "application/json", "mcp-protocol-version": "2025-06-18" } });
    const doc = jsonObject(r);
    if (!doc) {
      const broken = r.status === 200 || r.error;
      const detail = `${url}: ${r.status === 200 ? "answers 200 but not with a JSON object (note 4)" : `not served: ${describeAnswer(r)}`}`;
      rows.push({ verdict: broken ? "fail" : optional ? "skip" : "warn", rule: broken ? "note 4" : "note 6", check: check2, detail: broken || optional ? detail : `${detail}; clients that try only this URL fail`, ms: r.ms });
      continue;
    }
    const got = doc.issuer;
    if (got !== issuer) {
      const why = typeof got === "string" && sameButTrailingSlash(got, issuer) ? `issuer "${got}" \u2260 "${issuer}": only a trailing slash, but clients compare exactly (note 5)` : `issuer ${JSON.stringify(got)} \u2260 "${issuer}"`;
      rows.push({ verdict: optional ? "warn" : "fail", rule: "AS-1", check: check2, detail: `${url}: ${why} (RFC 8414 \xA73.3)`, ms: r.ms });
      if (!optional) refused2 ??= { url, doc };
      continue;
    }
    const absent = REQUIRED.filter((f) => doc[f] === void 0);
    const differs = found.as ? disagreements(found.as.doc, doc) : [];
    if (absent.length || differs.length) {
      const why = [absent.length ? `missing ${absent.join(", ")}` : "", differs.length ? `differs from ${found.as.url} in ${differs.join(", ")}` : ""].filter(Boolean).join("; ");
      rows.push({ verdict: "fail", rule: "AS-1, note 4", check: check2, detail: `${url}: ${why}`, ms: r.ms });
      continue;
    }
    found.as ??= { url, doc };
    rows.push({ verdict: "pass", rule: "AS-1", check: check2, detail: `${url}: issuer "${issuer}" matches exactly`, ms: r.ms });
  }
  if (!found.as) {
    const then = refused2 ? `; the checks below use ${refused2.url} anyway` : "";
    rows.push({ verdict: "fail", rule: "AS-1", check: "a client can use the AS metadata", detail: `no valid metadata for issuer ${issuer} at any well-known URL${then}` });
    found.as = refused2;
  }
  return rows;
}
async function checkMetadataAtMcpOrigin(ctx, found) {
  const check2 = "AS metadata at the MCP origin (2025-03-26 clients)";
  if (!found.as || !found.issuer) return [];
  const origin = new URL(ctx.mcpUrl).origin;
  if (new URL(found.issuer).origin === origin) return [];
  const url = `${origin}/.well-known/oauth-authorization-server`;
  const r = await ctx.prober.request(url, { headers: { accept: "application/json" } });
  const doc = jsonObject(r);
  if (!doc) {
    const verdict = r.error ? "fail" : "warn";
    return [{ verdict, rule: "note 6", check: check2, detail: `${url}: ${describeAnswer(r)}; 2025-03-26 clients that look here cannot start OAuth`, ms: r.ms }];
  }
  const differs = disagreements(found.as.doc, doc);
  if (differs.length) return [{ verdict: "warn", rule: "note 4, note 6", check: check2, detail: `${url}: differs from ${found.as.url} in ${differs.join(", ")}`, ms: r.ms }];
  return [{ verdict: "pass", rule: "note 6", check: check2, detail: `${url}: same endpoints as the authorization server's own document`, ms: r.ms }];
}

// src/doctor/checks/capabilities.ts
var list = (v) => Array.isArray(v) ? v.filter((x) => typeof x === "string") : [];
async function checkCapabilities(_ctx, found) {
  const doc = found.as?.doc;
  if (!doc) return [];
  const rows = [];
  const pkce = list(doc.code_challenge_methods_supported);
  rows.push(
    pkce.includes("S256") ? { verdict: "pass", rule: "AS-2", check: "PKCE S256 advertised", detail: `code_challenge_methods_supported: ${JSON.stringify(pkce)}` } : {
      verdict: "fail",
      rule: "AS-2",
      check: "PKCE S256 advertised",
      detail: doc.code_challenge_methods_supported === void 0 ? "no code_challenge_methods_supported: MCP clients refuse to proceed (RFC 8414 \xA72, RFC 7636)" : `code_challenge_methods_supported ${JSON.stringify(pkce)} lacks S256`
    }
  );
  const responseTypes = list(doc.response_types_supported);
  rows.push({
    verdict: responseTypes.includes("code") ? "pass" : "fail",
    rule: "AS-2",
    check: 'response type "code" advertised',
    detail: `response_types_supported: ${JSON.stringify(doc.response_types_supported ?? null)}`
  });
  const authMethods = doc.token_endpoint_auth_methods_supported === void 0 ? ["client_secret_basic"] : list(doc.token_endpoint_auth_methods_supported);
  rows.push({
    verdict: authMethods.includes("none") ? "pass" : "warn",
    rule: "AS-2",
    check: 'public clients supported (auth method "none")',
    detail: authMethods.includes("none") ? `token_endpoint_auth_methods_supported: ${JSON.stringify(authMethods)}` : `token_endpoint_auth_methods_supported ${JSON.stringify(authMethods)} lacks "none": desktop and CLI clients are public clients`
  });
  const registration = typeof doc.registration_endpoint === "string";
  const cimd = doc.client_id_metadata_document_supported === true;
  rows.push({
    verdict: registration || cimd ? "pass" : "warn",
    rule: "AS-4, AS-5",
    check: "clients can register themselves",
    detail: [registration ? `registration_endpoint ${String(doc.registration_endpoint)}` : "", cimd ? "client ID metadata documents" : ""].filter(Boolean).join("; ") || "neither registration_endpoint nor client_id_metadata_document_supported: every client must be registered by hand"
  });
  const grants = doc.grant_types_supported === void 0 ? ["authorization_code", "implicit"] : list(doc.grant_types_supported);
  rows.push({
    verdict: grants.includes("authorization_code") ? grants.includes("refresh_token") ? "pass" : "warn" : "fail",
    rule: "AS-2, note 8",
    check: "authorization_code and refresh_token grants",
    detail: `grant_types_supported: ${JSON.stringify(grants)}${grants.includes("refresh_token") ? "" : " (no refresh: users sign in again every time the token expires)"}`
  });
  return rows;
}

// src/doctor/www-authenticate.ts
function parseChallenge(header) {
  const m = /^\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*(.*)$/s.exec(header);
  if (!m) return void 0;
  const scheme = m[1].toLowerCase();
  const params = {};
  const re = /\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)\s*=\s*("((?:[^"\\]|\\.)*)"|[^\s,]*)\s*,?/gy;
  const rest = m[2];
  let match;
  while (re.lastIndex < rest.length && (match = re.exec(rest))) {
    const name2 = match[1].toLowerCase();
    const value2 = match[3] !== void 0 ? match[3].replace(/\\(.)/g, "$1") : match[2];
    if (!(name2 in params)) params[name2] = value2;
  }
  return { scheme, params };
}

// src/doctor/checks/challenge.ts
async function checkChallenge(ctx, found) {
  const r = await ctx.prober.request(ctx.mcpUrl, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json, text/event-stream" },
    body: JSON.stringify({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "oauth-mcp doctor", version: "1.0" } }
    })
  });
  const check2 = "401 challenge on initialize without a token";
  if (r.status !== 401) {
    const hint = r.error ? "" : r.status === 404 || r.status === 405 ? " (is this the MCP endpoint URL?)" : " (the endpoint does not ask for OAuth)";
    return [{ verdict: "fail", rule: "RS-3", check: check2, detail: `expected 401, got ${describeAnswer(r)}${hint}`, ms: r.ms }];
  }
  const header = r.headers.get("www-authenticate");
  const challenge = header ? parseChallenge(header) : void 0;
  if (challenge?.scheme !== "bearer") {
    return [{ verdict: "fail", rule: "RS-3", check: check2, detail: `401 without a Bearer challenge (WWW-Authenticate: ${header ?? "absent"})`, ms: r.ms }];
  }
  const rows = [];
  const metadata = challenge.params.resource_metadata;
  if (metadata && URL.canParse(metadata)) {
    found.resourceMetadataUrl = metadata;
    rows.push({ verdict: "pass", rule: "RS-3", check: check2, detail: `Bearer resource_metadata="${metadata}"${challenge.params.scope ? `, scope="${challenge.params.scope}"` : ""}`, ms: r.ms });
  } else {
    rows.push({
      verdict: "warn",
      rule: "RS-3",
      check: check2,
      detail: `401 Bearer without a usable resource_metadata (RFC 9728 \xA75.1); clients must guess the well-known URLs: ${header}`,
      ms: r.ms
    });
  }
  const error = challenge.params.error;
  rows.push(
    error ? { verdict: "warn", rule: "RS-3", check: "no error attribute when no token was sent", detail: `error="${error}" with no token (RFC 6750 \xA73.1 says SHOULD NOT)` } : { verdict: "pass", rule: "RS-3", check: "no error attribute when no token was sent", detail: "RFC 6750 \xA73.1" }
  );
  return rows;
}

// src/doctor/checks/cors.ts
function allowsOrigin(headers, origin) {
  const allowed = headers.get("access-control-allow-origin");
  return allowed === "*" || allowed === origin;
}
function allowsHeaders(headers, wanted) {
  const allowed = (headers.get("access-control-allow-headers") ?? "").toLowerCase().split(",").map((h) => h.trim());
  if (allowed.includes("*")) return [];
  return wanted.filter((h) => !allowed.includes(h.toLowerCase()));
}
async function preflight(ctx, check2, url, method, requestHeaders) {
  const r = await ctx.prober.request(url, {
    method: "OPTIONS",
    headers: { origin: ctx.corsOrigin, "access-control-request-method": method, "access-control-request-headers": requestHeaders.join(",") }
  });
  if (r.error || r.status >= 400 || !allowsOrigin(r.headers, ctx.corsOrigin)) {
    const seen = r.error ? r.error : `${describeAnswer(r)}, Access-Control-Allow-Origin: ${r.headers.get("access-control-allow-origin") ?? "absent"}`;
    return { verdict: "fail", rule: "note 12", check: check2, detail: `OPTIONS ${url} from ${ctx.corsOrigin}: ${seen}; browser-based clients cannot ${method === "GET" ? "read it" : "post to it"}`, ms: r.ms };
  }
  const refused2 = allowsHeaders(r.headers, requestHeaders);
  if (refused2.length) {
    const verdict = method === "GET" ? "warn" : "fail";
    return { verdict, rule: "note 12", check: check2, detail: `OPTIONS ${url}: request header(s) ${refused2.join(", ")} not allowed`, ms: r.ms };
  }
  return { verdict: "pass", rule: "note 12", check: check2, detail: `OPTIONS ${url}: allowed for ${ctx.corsOrigin}`, ms: r.ms };
}
async function checkCors(ctx, found) {
  const rows = [];
  if (found.prm) rows.push(await preflight(ctx, "CORS: resource metadata", found.prm.url, "GET", ["mcp-protocol-version"]));
  if (!found.as) return rows;
  rows.push(await preflight(ctx, "CORS: AS metadata", found.as.url, "GET", ["mcp-protocol-version"]));
  const doc = found.as.doc;
  if (typeof doc.token_endpoint === "string") rows.push(await preflight(ctx, "CORS: token endpoint", doc.token_endpoint, "POST", ["content-type"]));
  if (typeof doc.registration_endpoint === "string") {
    rows.push(await preflight(ctx, "CORS: registration endpoint", doc.registration_endpoint, "POST", ["content-type"]));
  }
  return rows;
}

// src/doctor/context.ts
var PROBE_CLIENT_NAME = "oauth-mcp doctor probe";

// src/doctor/checks/registration.ts
function redirectCases(port2) {
  return [
    { check: "registers http://127.0.0.1:<any port>", rule: "note 1, AS-7", uri: `http://127.0.0.1:${port2()}/callback`, refusal: "fail" },
    { check: "registers http://localhost:<any port> (mcp-remote)", rule: "note 1, AS-7", uri: `http://localhost:${port2()}/oauth/callback`, refusal: "fail" },
    { check: "registers http://[::1]:<any port>", rule: "note 1, AS-7", uri: `http://[::1]:${port2()}/callback`, refusal: "warn" },
    { check: "registers http://127.0.0.1 without a port", rule: "note 2, AS-7", uri: "http://127.0.0.1/callback", refusal: "fail" },
    { check: "registers cursor:// (Cursor)", rule: "note 3, AS-7", uri: "cursor://anysphere.cursor-mcp/oauth/callback", refusal: "fail" }
  ];
}
function register(ctx, endpoint, uris) {
  return ctx.prober.request(endpoint, {
    method: "POST",
    headers: { "content-type": "application/json", accept: "application/json", origin: ctx.corsOrigin },
    body: JSON.stringify({
      client_name: PROBE_CLIENT_NAME,
      redirect_uris: uris,
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none"
    })
  });
}
function created(r, found) {
  if (r.status < 200 || r.status >= 300) return void 0;
  const body = r.json;
  if (typeof body?.client_id !== "string") return void 0;
  found.registeredClients.push({ clientId: body.client_id, redirectUris: Array.isArray(body.redirect_uris) ? body.redirect_uris.map(String) : [] });
  found.probeClientId ??= body.client_id;
  return { clientId: body.client_id, redirectUris: body.redirect_uris };
}
function refusalText(r, uri) {
  const body = r.json;
  const said = body?.error ? `${body.error}${body.error_description ? `: ${body.error_description}` : ""}` : describeAnswer(r);
  const named = r.text.includes(uri) ? "" : " (the error does not say which URI was refused, note 3)";
  return `refused: ${said}${named}`;
}
async function checkRegistration(ctx, found) {
  const endpoint = found.as?.doc.registration_endpoint;
  if (typeof endpoint !== "string") return [];
  const cases = redirectCases(ctx.randomPort);
  if (!ctx.register) return cases.map((c) => ({ verdict: "skip", rule: c.rule, check: c.check, detail: "skipped (--no-register)" }));
  const all = await register(ctx, endpoint, cases.map((c) => c.uri));
  const client = created(all, found);
  if (client) {
    const back = Array.isArray(client.redirectUris) ? client.redirectUris.map(String) : [];
    return cases.map((c) => {
      const kept = back.includes(c.uri);
      const detail = kept ? `accepted in one registration (client ${client.clientId}): ${c.uri}` : `accepted, but ${c.uri} is not among the registered redirect_uris ${JSON.stringify(back)}: dropped or rewritten silently (notes 1, 3)`;
      return { verdict: kept ? "pass" : "fail", rule: c.rule, check: c.check, detail, ms: all.ms };
    });
  }
  const rows = [];
  for (const c of cases) {
    const r = await register(ctx, endpoint, [c.uri]);
    const one = created(r, found);
    if (!one) {
      rows.push({ verdict: r.error ? "fail" : c.refusal, rule: c.rule, check: c.check, detail: `${c.uri}: ${r.error ?? refusalText(r, c.uri)}`, ms: r.ms });
      continue;
    }
    const back = Array.isArray(one.redirectUris) ? one.redirectUris.map(String) : [];
    rows.push(
      back.includes(c.uri) ? { verdict: "pass", rule: c.rule, check: c.check, detail: `accepted alone (client ${one.clientId}): ${c.uri}`, ms: r.ms } : { verdict: "fail", rule: c.rule, check: c.check, detail: `accepted, but came back as ${JSON.stringify(back)} (rewritten, note 1)`, ms: r.ms }
    );
  }
  return rows;
}

// src/doctor/checks/resource-metadata.ts
function covers(resource, mcpUrl) {
  if (!URL.canParse(resource)) return false;
  const r = new URL(resource);
  const m = new URL(mcpUrl);
  const rp = r.pathname.endsWith("/") ? r.pathname : `${r.pathname}/`;
  const mp = m.pathname.endsWith("/") ? m.pathname : `${m.pathname}/`;
  return r.origin === m.origin && mp.startsWith(rp);
}
function judge(r, mcpUrl, check2, missingVerdict) {
  const doc = jsonObject(r);
  if (!doc) {
    const served = r.status === 200 ? "answers 200 but not with a JSON object (half-built, note 4)" : `not served: ${describeAnswer(r)}`;
    const verdict2 = r.status === 200 || r.error ? "fail" : missingVerdict;
    return { row: { verdict: verdict2, rule: "RS-2, note 6", check: check2, detail: `${r.url}: ${served}`, ms: r.ms } };
  }
  const resource = doc.resource;
  const servers = doc.authorization_servers;
  const hard = [];
  const soft = [];
  if (typeof resource !== "string") hard.push("no resource");
  else if (sameButTrailingSlash(resource, mcpUrl)) soft.push(`resource "${resource}" differs from "${mcpUrl}" only by a trailing slash (note 5)`);
  else if (!covers(resource, mcpUrl)) hard.push(`resource "${resource}" does not cover ${mcpUrl} (RFC 9728 \xA73.3)`);
  if (!Array.isArray(servers) || servers.length === 0 || !servers.every((s) => typeof s === "string" && URL.canParse(s))) {
    hard.push("authorization_servers is missing, empty or not a list of URLs");
  }
  if (hard.length) return { row: { verdict: "fail", rule: "RS-1", check: check2, detail: `${r.url}: ${[...hard, ...soft].join("; ")}`, ms: r.ms } };
  if (!Array.isArray(doc.scopes_supported)) soft.push("no scopes_supported: clients cannot tell which scopes to ask for");
  const verdict = soft.length ? "warn" : "pass";
  const detail = soft.length ? `${r.url}: ${soft.join("; ")}` : `${r.url} \u2192 authorization_servers ${JSON.stringify(servers)}`;
  return { row: { verdict, rule: "RS-1, RS-2", check: check2, detail, ms: r.ms }, doc };
}
async function checkResourceMetadata(ctx, found) {
  const { pathAware, root } = protectedResourceMetadataUrls(ctx.mcpUrl);
  const candidates = /* @__PURE__ */ new Map();
  const add = (url, label2) => candidates.set(url, [...candidates.get(url) ?? [], label2]);
  if (found.resourceMetadataUrl) add(found.resourceMetadataUrl, "the challenge URL");
  if (pathAware) add(pathAware, "path-aware well-known");
  add(root, "root well-known");
  const rows = [];
  for (const [url, labels] of candidates) {
    const r = await ctx.prober.request(url, { headers: { accept: "application/json", "mcp-protocol-version": "2025-06-18" } });
    const { row, doc } = judge(r, ctx.mcpUrl, `resource metadata at ${labels.join(" = ")}`, labels.includes("the challenge URL") ? "fail" : "warn");
    rows.push(row);
    if (doc && !found.prm) found.prm = { url, doc };
  }
  const servers = found.prm?.doc.authorization_servers;
  if (!found.prm) {
    rows.push({ verdict: "fail", rule: "RS-1", check: "a client can discover the authorization server", detail: "no usable protected resource metadata at any URL clients try" });
  } else {
    found.issuer = servers[0];
  }
  return rows;
}

// src/doctor/checks/timing.ts
var WARN_AFTER_MS = 2e3;
var FAIL_AFTER_MS = 1e4;
async function checkTiming(ctx) {
  const timings = ctx.prober.timings;
  if (!timings.length) return [];
  const slowest = timings.reduce((a, b) => b.ms > a.ms ? b : a);
  const slow = timings.filter((t) => t.ms > WARN_AFTER_MS || t.timedOut);
  const check2 = `response times (${timings.length} requests)`;
  if (!slow.length) return [{ verdict: "pass", rule: "note 16", check: check2, detail: `slowest ${slowest.ms} ms: ${slowest.method} ${slowest.url}` }];
  const verdict = slow.some((t) => t.ms > FAIL_AFTER_MS || t.timedOut) ? "fail" : "warn";
  const list3 = slow.map((t) => `${t.method} ${t.url} ${t.timedOut ? "timed out" : `${t.ms} ms`}`).join("; ");
  return [{ verdict, rule: "note 16", check: check2, detail: `over ${WARN_AFTER_MS / 1e3} s: ${list3}` }];
}

// src/doctor/checks/token-endpoint.ts
async function checkTokenEndpoint(ctx, found) {
  const endpoint = found.as?.doc.token_endpoint;
  if (typeof endpoint !== "string") return [];
  const r = await ctx.prober.request(endpoint, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json", origin: ctx.corsOrigin },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: "oauth-mcp-doctor-invalid-code",
      redirect_uri: "http://127.0.0.1/callback",
      client_id: found.probeClientId ?? "oauth-mcp-doctor-probe",
      code_verifier: "oauth-mcp-doctor-probe-verifier-0123456789abcdefghijklmnopqrstuvwxyz"
    }).toString()
  });
  const check2 = "token endpoint answers errors in JSON";
  const error = r.json?.error;
  const rows = [];
  if (r.error || r.status >= 500 || typeof error !== "string") {
    rows.push({ verdict: "fail", rule: "RFC 6749 \xA75.2", check: check2, detail: `an invalid code got ${describeAnswer(r)}${r.text ? `: ${r.text.slice(0, 80)}` : ""}`, ms: r.ms });
  } else {
    rows.push({ verdict: "pass", rule: "RFC 6749 \xA75.2", check: check2, detail: `an invalid code got HTTP ${r.status} {"error": "${error}"}`, ms: r.ms });
  }
  if (!r.error) {
    rows.push(
      allowsOrigin(r.headers, ctx.corsOrigin) ? { verdict: "pass", rule: "note 12", check: "CORS: token response readable", detail: `Access-Control-Allow-Origin: ${r.headers.get("access-control-allow-origin")}` } : { verdict: "fail", rule: "note 12", check: "CORS: token response readable", detail: "no Access-Control-Allow-Origin on the token response: a browser-based client cannot read its tokens" }
    );
  }
  return rows;
}

// src/doctor/doctor.ts
var CHECKS = [
  checkChallenge,
  checkResourceMetadata,
  checkAuthorizationServerMetadata,
  checkMetadataAtMcpOrigin,
  checkCapabilities,
  checkCors,
  checkRegistration,
  checkTokenEndpoint,
  checkTiming
];
async function runDoctor(ctx) {
  const found = { registeredClients: [] };
  const rows = [];
  for (const check2 of CHECKS) rows.push(...await check2(ctx, found));
  const endpoint = found.as?.doc.registration_endpoint;
  return {
    target: ctx.mcpUrl,
    rows,
    registeredClients: found.registeredClients,
    ...typeof endpoint === "string" && { registrationEndpoint: endpoint }
  };
}

// src/doctor/report.ts
function counts(rows) {
  const c = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const r of rows) c[r.verdict]++;
  return c;
}
function label(v, c) {
  const text2 = v.padEnd(4);
  if (v === "pass") return c.green(text2);
  if (v === "warn") return c.yellow(text2);
  if (v === "fail") return c.red(text2);
  return c.dim(text2);
}
function formatReport(report, c) {
  const ruleW = Math.max(4, ...report.rows.map((r) => r.rule.length));
  const checkW = Math.max(5, ...report.rows.map((r) => r.check.length));
  const line = (v, rule, check2, ms) => `  ${v}  ${rule.padEnd(ruleW)}  ${check2.padEnd(checkW)}  ${ms.padStart(6)}`;
  const out = ["", c.bold(`oauth-mcp doctor: ${report.target}`), "", c.dim(line("    ", "rule", "check", "ms"))];
  for (const r of report.rows) {
    out.push(line(label(r.verdict, c), r.rule, r.check, r.ms === void 0 ? "" : String(r.ms)));
    if (r.detail) out.push(c.dim(`        ${r.detail}`));
  }
  const n = counts(report.rows);
  out.push("", `  ${c.green(`${n.pass} pass`)}, ${c.yellow(`${n.warn} warn`)}, ${c.red(`${n.fail} fail`)}${n.skip ? `, ${n.skip} skipped` : ""}`);
  if (report.registeredClients.length) {
    out.push(
      "",
      `  Side effect: ${report.registeredClients.length} client(s) named "oauth-mcp doctor probe" were registered at ${report.registrationEndpoint}:`,
      ...report.registeredClients.map((cl) => `    ${cl.clientId}  ${cl.redirectUris.join(" ")}`),
      "  They hold no tokens; delete them if the server keeps registrations (run with --no-register to skip)."
    );
  }
  out.push("");
  return out.join("\n");
}
function reportJson(report) {
  return `${JSON.stringify({ ...report, counts: counts(report.rows), ok: counts(report.rows).fail === 0 }, null, 2)}
`;
}

// src/flow/colors.ts
var wrap = (open, close) => (s) => `\x1B[${open}m${s}\x1B[${close}m`;
function colors(enabled) {
  if (!enabled) {
    const plain = (s) => s;
    return { bold: plain, dim: plain, green: plain, red: plain, yellow: plain, cyan: plain };
  }
  return { bold: wrap(1, 22), dim: wrap(2, 22), green: wrap(32, 39), red: wrap(31, 39), yellow: wrap(33, 39), cyan: wrap(36, 39) };
}
function wantsColor(stream, env) {
  return stream.isTTY === true && !env.NO_COLOR;
}

// src/cli/doctor.ts
var USAGE = `usage: oauth-mcp doctor <MCP endpoint URL> [--json] [--timeout <seconds>] [--no-register] [--origin <origin>]

Probes an MCP deployment the way real clients do: the 401 challenge, every well-known metadata URL, issuer
matching, PKCE, CORS, dynamic registration of the redirect URIs clients use, response times. Registration
probes create clients named "oauth-mcp doctor probe" (use --no-register to skip them). Exit code 1 on any fail.
`;
async function runDoctorCommand(args, io2, env = process.env) {
  let parsed;
  try {
    parsed = parse(args);
  } catch (err) {
    io2.stderr.write(`oauth-mcp doctor: ${err.message}
${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    io2.stdout.write(USAGE);
    return 0;
  }
  const target = positionals[0];
  if (!target || positionals.length > 1 || !URL.canParse(target) || !/^https?:$/.test(new URL(target).protocol)) {
    io2.stderr.write(`oauth-mcp doctor: give one http(s) URL of an MCP endpoint, e.g. http://127.0.0.1:5001/mcp/v1
${USAGE}`);
    return 2;
  }
  const timeout = Number(values.timeout ?? 10);
  if (!(timeout > 0)) {
    io2.stderr.write("oauth-mcp doctor: --timeout must be a positive number of seconds\n");
    return 2;
  }
  const origin = values.origin ?? "http://localhost:6274";
  if (!URL.canParse(origin)) {
    io2.stderr.write("oauth-mcp doctor: --origin must be an origin such as http://localhost:6274\n");
    return 2;
  }
  const prober = createProber({ fetch: globalThis.fetch, timeoutMs: timeout * 1e3, now: () => performance.now() });
  const report = await runDoctor({
    prober,
    mcpUrl: target,
    corsOrigin: new URL(origin).origin,
    register: !values["no-register"],
    randomPort: () => randomInt(2e4, 6e4)
  });
  io2.stdout.write(values.json ? reportJson(report) : formatReport(report, colors(wantsColor(io2.stdout, env))));
  return counts(report.rows).fail > 0 ? 1 : 0;
}
function parse(args) {
  return parseArgs({
    args,
    allowPositionals: true,
    options: {
      json: { type: "boolean" },
      timeout: { type: "string" },
      "no-register": { type: "boolean" },
      origin: { type: "string" },
      help: { type: "boolean", short: "h" }
    }
  });
}

// src/cli/flow.ts
import { parseArgs as parseArgs2 } from "node:util";

// src/flow/printer.ts
var MAX_BODY_LINES = 14;
var MAX_LINE_CHARS = 150;
function trimBody(body) {
  const lines = body.split("\n");
  const shown = lines.slice(0, MAX_BODY_LINES).map((l) => l.length > MAX_LINE_CHARS ? `${l.slice(0, MAX_LINE_CHARS - 1)}\u2026` : l);
  if (lines.length > MAX_BODY_LINES) shown.push(`\u2026 (${lines.length - MAX_BODY_LINES} more lines)`);
  return shown;
}
function exchangeLines(x, c) {
  const out = [`   ${c.cyan("\u2192")} ${c.bold(`${x.method} ${x.url}`)}`];
  for (const [k, v] of x.requestHeaders) out.push(c.dim(`     ${k}: ${v}`));
  if (x.requestBody) out.push(...trimBody(x.requestBody).map((l) => `     ${l}`));
  const status = `${x.status} ${x.statusText}`.trim();
  const coloured = x.status >= 400 ? c.yellow(status) : status;
  out.push(`   ${c.cyan("\u2190")} ${c.bold(coloured)} ${c.dim(`(${x.ms} ms)`)}`);
  for (const [k, v] of x.responseHeaders) out.push(c.dim(`     ${k}: ${v}`));
  if (x.responseBody) out.push(...trimBody(x.responseBody).map((l) => `     ${l}`));
  return out;
}
function statusLabel(status, c) {
  if (status === "pass") return c.green("PASS");
  if (status === "fail") return c.red("FAIL");
  return c.yellow("SKIP");
}
function formatStep(r, c) {
  const out = ["", c.bold(`\u2501\u2501 Step ${r.diagram} \xB7 ${r.title}`), c.dim(`   follows: ${r.follows}`)];
  for (const x of r.exchanges) out.push(...exchangeLines(x, c));
  for (const n of r.notes) out.push(`   ${c.green("\u2713")} ${n}`);
  if (r.error) out.push(`   ${r.status === "fail" ? c.red("\u2717") : c.yellow("\u2013")} ${r.error}`);
  out.push(`   ${statusLabel(r.status, c)} ${c.dim(`(${r.ms} ms)`)}`);
  return `${out.join("\n")}
`;
}
function formatSummary(results, c) {
  const stepW = Math.max(4, ...results.map((r) => r.diagram.length));
  const titleW = Math.max(4, ...results.map((r) => r.title.length));
  const row = (a, b, s, ms) => `  ${a.padEnd(stepW)}  ${b.padEnd(titleW)}  ${s}  ${ms.padStart(6)}`;
  const lines = ["", c.bold("Summary"), c.dim(row("step", "what", "status", "ms"))];
  for (const r of results) lines.push(row(r.diagram, r.title, `${statusLabel(r.status, c)}  `, String(r.ms)));
  const passed = results.filter((r) => r.status === "pass").length;
  const total = results.length;
  const verdict = passed === total ? c.green(`all ${total} steps passed`) : c.red(`${passed} of ${total} steps passed`);
  lines.push("", `  ${verdict}`, "");
  return lines.join("\n");
}

// src/flow/runner.ts
var StepFailure = class extends Error {
  name = "StepFailure";
};
async function runSteps(steps, state, http2, onResult) {
  const results = [];
  for (const step of steps) {
    const exchanges = [];
    const notes = [];
    const base = { diagram: step.diagram, title: step.title, follows: step.follows, exchanges, notes };
    const missing = (step.needs ?? []).filter((k) => state[k] === void 0);
    if (missing.length) {
      const result2 = { ...base, status: "skip", ms: 0, error: `needs ${missing.map(String).join(", ")} from an earlier step` };
      results.push(result2);
      onResult(result2);
      continue;
    }
    const ctx = {
      send: async (req, read) => {
        const sent = await send(http2, req, read);
        exchanges.push(sent.exchange);
        return sent;
      },
      note: (text2) => void notes.push(text2),
      check(condition, failure2, success) {
        if (!condition) throw new StepFailure(failure2);
        if (success) notes.push(success);
      }
    };
    const started = http2.now();
    let result;
    try {
      await step.run(ctx, state);
      result = { ...base, status: "pass", ms: Math.round(http2.now() - started) };
    } catch (err) {
      result = { ...base, status: "fail", ms: Math.round(http2.now() - started), error: err.message };
    }
    results.push(result);
    onResult(result);
  }
  return results;
}

// src/flow/steps/authorization.ts
import { randomInt as randomInt2 } from "node:crypto";
import { decodeJwt } from "jose";

// src/oauth/crypto.ts
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
function sha256(value2) {
  return createHash("sha256").update(value2, "utf8").digest("base64url");
}
function randomToken(bytes = 32) {
  return randomBytes(bytes).toString("base64url");
}
function constantTimeEqual(a, b) {
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}

// src/oauth/pkce.ts
import { createHash as createHash2 } from "node:crypto";
var VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;
var S256_CHALLENGE = /^[A-Za-z0-9\-_]{43}$/;
function isValidS256Challenge(challenge) {
  return S256_CHALLENGE.test(challenge);
}
function isValidVerifier(verifier) {
  return VERIFIER.test(verifier);
}
function verifyS256(verifier, challenge) {
  if (!isValidVerifier(verifier)) return false;
  const computed = createHash2("sha256").update(verifier, "ascii").digest("base64url");
  return constantTimeEqual(computed, challenge);
}
function s256Challenge(verifier) {
  return createHash2("sha256").update(verifier, "ascii").digest("base64url");
}

// src/flow/steps/authorization.ts
var registerStep = {
  diagram: "3-4",
  title: "dynamic client registration (public client)",
  follows: "RFC 7591 \xA73.1-3.2; RFC 8252 \xA77.3 (loopback redirect, any port); OAuth 2.1 \xA72.1 (public client)",
  needs: ["as"],
  async run(ctx, state) {
    const redirectUri = `http://127.0.0.1:${randomInt2(2e4, 6e4)}/callback`;
    const { res, json } = await ctx.send({
      url: state.as.registration_endpoint,
      json: {
        client_name: "oauth-mcp flow",
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code", "refresh_token"],
        response_types: ["code"],
        token_endpoint_auth_method: "none",
        ...state.scopes && { scope: state.scopes }
      }
    });
    ctx.check(res.status === 201, `registration answered ${res.status}, expected 201`);
    const body = json;
    ctx.check(body?.client_id, "no client_id in the registration response", `client_id: ${body?.client_id}`);
    ctx.check(body.client_secret === void 0, "a public client was given a secret");
    ctx.check(body.redirect_uris?.[0] === redirectUri, "the redirect URI came back changed", "redirect URI registered as sent");
    state.client = { clientId: body.client_id, redirectUri };
  }
};
var authorizeStep = {
  diagram: "5-6",
  title: "authorization request (PKCE S256) \u2192 code, state, iss",
  follows: "RFC 6749 \xA74.1.1-4.1.2; RFC 7636 \xA74.3; RFC 8707 \xA72 (resource); RFC 9207 \xA72 (iss)",
  needs: ["client", "resource"],
  async run(ctx, state) {
    const verifier = randomToken(48);
    const expectedState = randomToken(12);
    const url = new URL(state.as.authorization_endpoint);
    url.search = new URLSearchParams({
      response_type: "code",
      client_id: state.client.clientId,
      redirect_uri: state.client.redirectUri,
      code_challenge: s256Challenge(verifier),
      code_challenge_method: "S256",
      ...state.scopes && { scope: state.scopes },
      state: expectedState,
      resource: state.resource
    }).toString();
    ctx.note(`code_verifier ${mask(verifier)} kept by the client; only its SHA-256 (code_challenge) is sent`);
    const { res } = await ctx.send({ url: url.toString(), redirect: "manual" });
    ctx.check(res.status === 302 || res.status === 303, `expected a redirect, got ${res.status}`);
    const location = new URL(res.headers.get("location") ?? "", url);
    ctx.check(
      `${location.origin}${location.pathname}` === state.client.redirectUri,
      `redirected to ${location.origin}${location.pathname}, not to the redirect URI: is the server in demo mode (DEMO_MODE=true)?`
    );
    const p = location.searchParams;
    ctx.check(!p.has("error"), `authorization error: ${p.get("error")} ${p.get("error_description") ?? ""}`);
    ctx.check(p.get("state") === expectedState, "state does not match the request", "state echoed unchanged (CSRF check)");
    ctx.check(p.get("iss") === state.as.issuer, `iss is ${p.get("iss")}, expected ${state.as.issuer}`, `iss = ${state.as.issuer} (mix-up defence)`);
    const code = p.get("code");
    ctx.check(code, "no code in the redirect", `authorization code ${mask(code ?? "")}`);
    state.code = { code, verifier };
  }
};
var tokenStep = {
  diagram: "7-8",
  title: "token request with code_verifier \u2192 access and refresh token",
  follows: "RFC 6749 \xA74.1.3-4.1.4; RFC 7636 \xA74.5; RFC 8707 \xA72.2; RFC 9068 (JWT access token)",
  needs: ["code"],
  async run(ctx, state) {
    const { res, json } = await ctx.send({
      url: state.as.token_endpoint,
      form: {
        grant_type: "authorization_code",
        code: state.code.code,
        redirect_uri: state.client.redirectUri,
        client_id: state.client.clientId,
        code_verifier: state.code.verifier,
        resource: state.resource
      }
    });
    ctx.check(res.status === 200, `token endpoint answered ${res.status}`);
    ctx.check(res.headers.get("cache-control")?.includes("no-store"), "token response is cacheable (Cache-Control: no-store missing)", "Cache-Control: no-store");
    const body = json;
    ctx.check(body?.access_token && body.refresh_token, "the response lacks access_token or refresh_token");
    ctx.check(body.token_type?.toLowerCase() === "bearer", `token_type is ${body.token_type}`);
    const claims = decodeJwt(body.access_token);
    ctx.check(claims.aud === state.resource, `token audience ${String(claims.aud)}, expected ${state.resource}`, `aud = ${state.resource} (audience-bound)`);
    ctx.note(`claims: sub=${claims.sub} client_id=${String(claims.client_id)} scope="${String(claims.scope)}" lifetime ${Number(claims.exp) - Number(claims.iat)} s`);
    state.tokens = { accessToken: body.access_token, refreshToken: body.refresh_token };
  }
};

// src/flow/steps/discovery.ts
var INITIALIZE = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: { protocolVersion: "2025-06-18", capabilities: {}, clientInfo: { name: "oauth-mcp flow", version: "1.0" } }
};
var challengeStep = {
  diagram: "1-2",
  title: "initialize without a token \u2192 401 challenge",
  follows: 'MCP Authorization, "Authorization Server Location"; RFC 9728 \xA75.1; RFC 6750 \xA73',
  async run(ctx, state) {
    const { res } = await ctx.send({
      url: state.mcpUrl,
      headers: { accept: "application/json, text/event-stream" },
      json: INITIALIZE
    });
    ctx.check(res.status === 401, `expected 401 without a token, got ${res.status}`, "the MCP server asks for a token (401)");
    const challenge = parseChallenge(res.headers.get("www-authenticate") ?? "");
    ctx.check(challenge?.scheme === "bearer", "no Bearer challenge in WWW-Authenticate");
    const metadataUrl = challenge.params.resource_metadata;
    ctx.check(metadataUrl, "the challenge has no resource_metadata parameter", `resource_metadata \u2192 ${metadataUrl}`);
    state.resourceMetadataUrl = metadataUrl;
    if (challenge.params.scope) ctx.note(`scopes to ask for: ${challenge.params.scope}`);
  }
};
function stringField(doc, name2) {
  const v = doc?.[name2];
  return typeof v === "string" ? v : void 0;
}
var metadataStep = {
  diagram: "2",
  title: "discovery: resource and authorization server metadata",
  follows: 'RFC 9728 \xA73; RFC 8414 \xA73 (issuer must match exactly); MCP Authorization, "Server Metadata Discovery"',
  needs: ["resourceMetadataUrl"],
  async run(ctx, state) {
    const prm = await ctx.send({ url: state.resourceMetadataUrl });
    ctx.check(prm.res.status === 200, `protected resource metadata: HTTP ${prm.res.status}`);
    const doc = prm.json;
    ctx.check(doc?.resource === state.mcpUrl, `metadata names resource ${doc?.resource}, expected ${state.mcpUrl}`, `resource = ${state.mcpUrl}`);
    const issuer = doc.authorization_servers?.[0];
    ctx.check(issuer, "authorization_servers is empty", `authorization server: ${issuer}`);
    if (state.expectedIssuer) {
      ctx.check(issuer === state.expectedIssuer, `the MCP server names ${issuer}, the configuration ${state.expectedIssuer}`);
    }
    state.resource = doc.resource;
    state.scopes = (doc.scopes_supported ?? []).join(" ") || void 0;
    const url = `${issuer.replace(/\/+$/, "")}/.well-known/oauth-authorization-server`;
    const asm = await ctx.send({ url });
    ctx.check(asm.res.status === 200, `authorization server metadata: HTTP ${asm.res.status}`);
    const meta = asm.json;
    ctx.check(meta?.issuer === issuer, `issuer ${meta?.issuer} differs from ${issuer} (RFC 8414 \xA73.3)`, `issuer matches exactly: ${issuer}`);
    ctx.check(meta.code_challenge_methods_supported?.includes("S256"), "S256 is not in code_challenge_methods_supported", "PKCE S256 advertised");
    for (const field of ["authorization_endpoint", "token_endpoint", "registration_endpoint", "jwks_uri"]) {
      ctx.check(stringField(meta, field), `metadata has no ${field}`);
    }
    state.as = meta;
  }
};

// src/flow/json-rpc.ts
function takeSseEvents(buffer) {
  const events = [];
  const normalized = buffer.replace(/\r\n?/g, "\n");
  const blocks = normalized.split("\n\n");
  const rest = blocks.pop() ?? "";
  for (const block of blocks) {
    let event = "message";
    const data = [];
    for (const line of block.split("\n")) {
      if (line.startsWith(":")) continue;
      const colon = line.indexOf(":");
      const field = colon === -1 ? line : line.slice(0, colon);
      const value2 = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
      if (field === "event") event = value2;
      else if (field === "data") data.push(value2);
    }
    if (data.length) events.push({ event, data: data.join("\n") });
  }
  return { events, rest };
}
function isResponseTo(message, id) {
  return !!message && typeof message === "object" && message.id === id && ("result" in message || "error" in message);
}
function jsonRpcReader(id) {
  return async (res) => {
    const type = res.headers.get("content-type") ?? "";
    if (!type.includes("text/event-stream") || !res.body) {
      const text2 = await res.text();
      return { text: text2, json: parseJson(text2) };
    }
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    let raw2 = "";
    try {
      for (; ; ) {
        const { value: value2, done } = await reader.read();
        if (done) break;
        buffer += value2;
        raw2 += value2;
        const { events, rest } = takeSseEvents(buffer);
        buffer = rest;
        for (const e of events) {
          const message = parseJson(e.data);
          if (isResponseTo(message, id)) return { text: raw2, json: message, display: `event: ${e.event}
data: ${JSON.stringify(maskJson(message), null, 2)}` };
        }
      }
    } finally {
      await reader.cancel().catch(() => void 0);
    }
    return { text: raw2, json: void 0 };
  };
}

// src/flow/steps/mcp-tools.ts
var EXPECTED_TOOLS = ["oauth_authenticate", "get_user_profile", "get_data", "create_data", "update_data", "delete_data"];
async function rpc(ctx, state, id, method, params) {
  const headers = {
    accept: "application/json, text/event-stream",
    authorization: `Bearer ${state.tokens.accessToken}`
  };
  if (state.session) {
    headers["mcp-session-id"] = state.session.id;
    headers["mcp-protocol-version"] = state.session.protocolVersion;
  }
  const { res, json } = await ctx.send({ url: state.mcpUrl, headers, json: { jsonrpc: "2.0", id, method, params } }, jsonRpcReader(id));
  ctx.check(res.status === 200, `${method}: HTTP ${res.status}`);
  const body = json;
  ctx.check(body?.jsonrpc === "2.0", `${method}: no JSON-RPC 2.0 response with id ${id}`);
  ctx.check(!body.error, `${method}: error ${body.error?.code} ${body.error?.message}`);
  return { res, body };
}
var initializeStep = {
  diagram: "9",
  title: "initialize an MCP session with the token",
  follows: 'MCP Lifecycle "Initialization"; MCP Transports "Session Management"; RFC 6750 \xA72.1',
  needs: ["tokens"],
  async run(ctx, state) {
    const { res, body } = await rpc(ctx, state, 1, "initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "oauth-mcp flow", version: "1.0" }
    });
    const version = String(body.result?.protocolVersion ?? "");
    const sessionId = res.headers.get("mcp-session-id");
    ctx.check(sessionId, "no Mcp-Session-Id header on the initialize response", `session ${sessionId}, protocol ${version}`);
    state.session = { id: sessionId, protocolVersion: version };
    const sent = await ctx.send({
      url: state.mcpUrl,
      headers: {
        accept: "application/json, text/event-stream",
        authorization: `Bearer ${state.tokens.accessToken}`,
        "mcp-session-id": sessionId,
        "mcp-protocol-version": version
      },
      json: { jsonrpc: "2.0", method: "notifications/initialized" }
    });
    ctx.check(sent.res.status === 202, `notifications/initialized: HTTP ${sent.res.status}, expected 202`, "initialized notification accepted (202)");
  }
};
var listToolsStep = {
  diagram: "9",
  title: "tools/list \u2192 the six tools",
  follows: 'MCP Server Features "Tools" (tools/list)',
  needs: ["session"],
  async run(ctx, state) {
    const { body } = await rpc(ctx, state, 2, "tools/list", {});
    const names = (body.result?.tools ?? []).map((t) => t.name);
    const missing = EXPECTED_TOOLS.filter((t) => !names.includes(t));
    ctx.check(missing.length === 0, `missing tools: ${missing.join(", ")}`, `${names.length} tools: ${names.join(", ")}`);
  }
};
function toolText(result) {
  const content = result?.content ?? [];
  return content.map((c) => c.text ?? "").join(" ").trim();
}
var createDataStep = {
  diagram: "9-13",
  title: "tools/call create_data (write scope)",
  follows: `MCP "Tools" (tools/call); steps 10-12: the tool calls the data service for the token's subject`,
  needs: ["session"],
  async run(ctx, state) {
    const { body } = await rpc(ctx, state, 3, "tools/call", { name: "create_data", arguments: { name: "Test", value: 100 } });
    ctx.check(body.result?.isError !== true, `create_data failed: ${toolText(body.result)}`, toolText(body.result));
    const item = body.result?.structuredContent?.item;
    ctx.check(typeof item?.id === "number", "create_data returned no item id");
    state.createdItemId = item.id;
  }
};
var getDataStep = {
  diagram: "9-13",
  title: "tools/call get_data (read scope) returns the item",
  follows: 'MCP "Tools" (tools/call); structuredContent and text content',
  needs: ["session", "createdItemId"],
  async run(ctx, state) {
    const { body } = await rpc(ctx, state, 4, "tools/call", { name: "get_data", arguments: {} });
    const items = body.result?.structuredContent?.items ?? [];
    ctx.check(
      items.some((i) => i.id === state.createdItemId),
      `item #${state.createdItemId} is not in the list`,
      `item #${state.createdItemId} is in the list (${items.length} item(s))`
    );
  }
};
var closeSessionStep = {
  diagram: "9",
  title: "end the MCP session",
  follows: 'MCP Transports "Session Management" (DELETE ends a session)',
  needs: ["session"],
  async run(ctx, state) {
    const { res } = await ctx.send({
      method: "DELETE",
      url: state.mcpUrl,
      headers: { authorization: `Bearer ${state.tokens.accessToken}`, "mcp-session-id": state.session.id, "mcp-protocol-version": state.session.protocolVersion }
    });
    ctx.check(res.status === 200 || res.status === 204 || res.status === 405, `DELETE answered ${res.status}`, "session ended");
  }
};

// src/flow/steps/more-grants.ts
import { decodeJwt as decodeJwt2 } from "jose";
var refreshStep = {
  diagram: "R",
  title: "refresh: new access token, rotated refresh token",
  follows: "RFC 6749 \xA76; OAuth 2.1 \xA74.3.1 (refresh tokens of public clients rotate); RFC 8707 \xA72.2",
  needs: ["tokens", "client"],
  async run(ctx, state) {
    const old = state.tokens;
    const { res, json } = await ctx.send({
      url: state.as.token_endpoint,
      form: { grant_type: "refresh_token", refresh_token: old.refreshToken, client_id: state.client.clientId, resource: state.resource }
    });
    ctx.check(res.status === 200, `refresh answered ${res.status}`);
    const body = json;
    ctx.check(body?.access_token, "no access_token in the refresh response");
    ctx.check(body.refresh_token, "no new refresh_token: a public client's refresh token must rotate");
    ctx.check(body.refresh_token !== old.refreshToken, "the refresh token did not change", `refresh token rotated: ${mask(old.refreshToken)} \u2192 ${mask(body.refresh_token)}`);
    ctx.check(decodeJwt2(body.access_token).aud === state.resource, "the new access token is not for the MCP server", "the new access token keeps the audience");
    const profile = await ctx.send({ url: `${state.apiBase}/api/user/profile`, headers: { authorization: `Bearer ${body.access_token}` } });
    ctx.check(profile.res.status === 200, `GET /api/user/profile with the new token answered ${profile.res.status}`, "the new access token works");
    state.tokens = { accessToken: body.access_token, refreshToken: body.refresh_token };
  }
};
var clientCredentialsStep = {
  diagram: "CC",
  title: "client_credentials with the demo client, then a plain tools/call",
  follows: "RFC 6749 \xA74.4 and \xA72.3.1 (client_secret_basic); the original demo's POST /mcp/v1/tools/call",
  needs: ["as", "resource"],
  async run(ctx, state) {
    const { id, secret } = state.demoClient;
    const enc = (s) => encodeURIComponent(s).replace(/%20/g, "+");
    const { res, json } = await ctx.send({
      url: state.as.token_endpoint,
      headers: { authorization: `Basic ${Buffer.from(`${enc(id)}:${enc(secret)}`).toString("base64")}` },
      form: { grant_type: "client_credentials", scope: "read write", resource: state.resource }
    });
    ctx.check(res.status === 200, `client_credentials answered ${res.status}: is the server in demo mode with client ${id}?`);
    const body = json;
    ctx.check(body?.access_token, "no access_token");
    ctx.check(body.refresh_token === void 0, "client_credentials issued a refresh token", "no refresh token (none for client_credentials, RFC 6749 \xA74.4.3)");
    ctx.note(`subject is the client itself: sub=${decodeJwt2(body.access_token).sub}`);
    const call = await ctx.send({
      url: `${state.mcpUrl}/tools/call`,
      headers: { authorization: `Bearer ${body.access_token}` },
      json: { name: "get_data", arguments: {} }
    });
    ctx.check(call.res.status === 200, `POST /mcp/v1/tools/call answered ${call.res.status}`);
    const rpc2 = call.json;
    ctx.check(rpc2?.jsonrpc === "2.0" && rpc2.result, "the plain endpoint did not answer in JSON-RPC 2.0", "answered in JSON-RPC 2.0 with a result");
  }
};

// src/flow/steps/resource.ts
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
var resourceApiStep = {
  diagram: "10-12",
  title: "the resource API behind the tools: GET /api/data",
  follows: "RFC 6750 \xA72.1 (Authorization: Bearer); RFC 8707 (the token is for this resource)",
  needs: ["tokens", "createdItemId"],
  async run(ctx, state) {
    const { res, json } = await ctx.send({ url: `${state.apiBase}/api/data`, headers: { authorization: `Bearer ${state.tokens.accessToken}` } });
    ctx.check(res.status === 200, `GET /api/data answered ${res.status}`);
    const items = json?.items ?? [];
    ctx.check(items.some((i) => i.id === state.createdItemId), `item #${state.createdItemId} is missing`, `the item created through MCP is here too`);
  }
};
var verifyTokenStep = {
  diagram: "11",
  title: "token verification as the resource server does it (JWKS)",
  follows: "RFC 9068 \xA74 (validating JWT access tokens); RFC 7517 (JWK Set); RFC 8725 \xA73.1 (allowed algorithms)",
  needs: ["tokens", "as"],
  async run(ctx, state) {
    const token = state.tokens.accessToken;
    const header = decodeProtectedHeader(token);
    const { res, json } = await ctx.send({ url: state.as.jwks_uri });
    ctx.check(res.status === 200, `JWKS answered ${res.status}`);
    const jwks = json;
    ctx.check(jwks?.keys?.some((k) => k.kid === header.kid), `no key with kid ${header.kid} in the JWKS`, `signing key ${header.kid} (${header.alg}) is published`);
    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: state.as.issuer,
      audience: state.resource,
      typ: "at+jwt",
      algorithms: ["ES256", "RS256", "EdDSA", "PS256"]
    });
    ctx.note(`signature valid, typ ${protectedHeader.typ}, iss and aud as expected, not expired`);
    ctx.note(`scope "${String(payload.scope)}" for subject ${payload.sub}`);
  }
};

// src/flow/flow.ts
var FLOW_STEPS = [
  challengeStep,
  metadataStep,
  registerStep,
  authorizeStep,
  tokenStep,
  initializeStep,
  listToolsStep,
  createDataStep,
  getDataStep,
  resourceApiStep,
  verifyTokenStep,
  closeSessionStep,
  refreshStep,
  clientCredentialsStep
];
async function runFlow(state, deps, steps = FLOW_STEPS) {
  const c = colors(deps.color);
  deps.write(
    `${c.bold("oauth-mcp flow")}: the original demo's 13-step sequence against ${state.mcpUrl}
` + c.dim("Secrets (client secrets, codes, tokens) are shown as their first 6 characters.\n")
  );
  const results = await runSteps(steps, state, deps.http, (r) => deps.write(formatStep(r, c)));
  deps.write(formatSummary(results, c));
  return results;
}

// src/flow/state.ts
function mcpEndpoint(url) {
  const u = new URL(url);
  const path = u.pathname.replace(/\/+$/, "");
  return `${u.origin}${path === "" ? "/mcp/v1" : path}`;
}
function serverBase(mcpUrl) {
  return mcpUrl.replace(/\/mcp(\/v1)?$/, "");
}

// src/clock.ts
var systemClock = () => Math.floor(Date.now() / 1e3);

// src/config/config.ts
import { z } from "zod";
var DEFAULT_SECRET_KEY = "dev-secret-key-change-in-production";
var bool = z.enum(["true", "false", "True", "False", "TRUE", "FALSE", "1", "0", "yes", "no"], {
  error: "must be true or false"
}).transform((v) => ["true", "1", "yes"].includes(v.toLowerCase()));
var port = z.coerce.number({ error: "must be a port number" }).int("must be a whole number").min(0, "must be between 0 and 65535").max(65535, "must be between 0 and 65535");
var seconds = z.coerce.number({ error: "must be a number of seconds" }).int("must be whole seconds").positive("must be positive");
var httpUrl = z.string().url("must be an absolute URL").refine((u) => URL.canParse(u) && /^https?:$/.test(new URL(u).protocol), "must be an http or https URL");
var list2 = z.string().transform((s) => s.split(",").map((x) => x.trim()).filter(Boolean));
var envSchema = z.object({
  OAUTH_SERVER_HOST: z.string().min(1).default("127.0.0.1"),
  OAUTH_SERVER_PORT: port.default(5e3),
  OAUTH_ISSUER: httpUrl.default("http://127.0.0.1:5000"),
  MCP_SERVER_HOST: z.string().min(1).default("127.0.0.1"),
  MCP_SERVER_PORT: port.default(5001),
  MCP_SERVER_URL: httpUrl.default("http://127.0.0.1:5001"),
  SECRET_KEY: z.string().min(1, "must not be empty").default(DEFAULT_SECRET_KEY),
  DEMO_MODE: bool.default(true),
  DEMO_CLIENT_ID: z.string().min(1).default("demo_client"),
  DEMO_CLIENT_SECRET: z.string().min(1).default("demo_secret"),
  DEMO_AUTHORIZATION_CODE: z.string().min(1).default("DEMO_AUTH_CODE_12345"),
  DEMO_USERNAME: z.string().min(1).default("demo"),
  DATABASE_URL: z.string().default("sqlite:./data/oauth-mcp.db").refine((u) => /^(sqlite:|postgres(ql)?:\/\/)/.test(u), "must start with sqlite: or postgres://"),
  ACCESS_TOKEN_TTL: seconds.default(3600),
  REFRESH_TOKEN_TTL: seconds.default(30 * 24 * 3600),
  AUTHORIZATION_CODE_TTL: seconds.default(60),
  REFRESH_GRACE_SECONDS: z.coerce.number().int().min(0, "must be zero or more").default(10),
  CORS_ORIGINS: list2.default([]),
  TRUSTED_PROXIES: list2.default([]),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  MCP_AUTH_MODE: z.enum(["oauth", "server-managed"]).default("oauth"),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(120),
  CIMD_ALLOW_PRIVATE_ADDRESSES: bool.default(false),
  INSTANCE_ID: z.string().regex(/^[A-Za-z0-9-]{1,32}$/, "must be 1 to 32 letters, digits or hyphens").optional(),
  RATE_LIMIT_STORE: z.enum(["memory", "postgres", "redis"]).default("memory"),
  REDIS_URL: z.string().refine((u) => /^rediss?:\/\//.test(u), "must start with redis:// or rediss://").optional(),
  KEY_RELOAD_SECONDS: seconds.default(60)
});
var ConfigError = class extends Error {
  name = "ConfigError";
};
var LOOPBACK = /* @__PURE__ */ new Set(["127.0.0.1", "localhost", "[::1]", "::1"]);
function loadConfig(env) {
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== void 0 && v !== ""));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ConfigError(`${String(issue.path[0])}: ${issue.message}`);
  }
  const e = parsed.data;
  if (e.RATE_LIMIT_STORE === "redis" && !e.REDIS_URL) throw new ConfigError("REDIS_URL: required when RATE_LIMIT_STORE=redis");
  if (e.RATE_LIMIT_STORE === "postgres" && !/^postgres(ql)?:\/\//.test(e.DATABASE_URL)) {
    throw new ConfigError("RATE_LIMIT_STORE: postgres needs DATABASE_URL=postgres://...");
  }
  const issuer = e.OAUTH_ISSUER.replace(/\/+$/, "");
  const mcpUrl = e.MCP_SERVER_URL.replace(/\/+$/, "");
  if (!e.DEMO_MODE) {
    if (e.SECRET_KEY === DEFAULT_SECRET_KEY) {
      throw new ConfigError("SECRET_KEY: the default key is refused outside demo mode; set a long random value");
    }
    if (e.SECRET_KEY.length < 32) throw new ConfigError("SECRET_KEY: must be at least 32 characters outside demo mode");
    for (const [name2, url] of [["OAUTH_ISSUER", issuer], ["MCP_SERVER_URL", mcpUrl]]) {
      const u = new URL(url);
      if (u.protocol === "http:" && !LOOPBACK.has(u.hostname)) {
        throw new ConfigError(`${name2}: http is only allowed on a loopback host outside demo mode; use https`);
      }
    }
  }
  return Object.freeze({
    authServer: { host: e.OAUTH_SERVER_HOST, port: e.OAUTH_SERVER_PORT, issuer },
    mcpServer: { host: e.MCP_SERVER_HOST, port: e.MCP_SERVER_PORT, url: mcpUrl },
    secretKey: e.SECRET_KEY,
    demo: {
      enabled: e.DEMO_MODE,
      clientId: e.DEMO_CLIENT_ID,
      clientSecret: e.DEMO_CLIENT_SECRET,
      authorizationCode: e.DEMO_AUTHORIZATION_CODE,
      username: e.DEMO_USERNAME
    },
    databaseUrl: e.DATABASE_URL,
    ttl: {
      accessToken: e.ACCESS_TOKEN_TTL,
      refreshToken: e.REFRESH_TOKEN_TTL,
      authorizationCode: e.AUTHORIZATION_CODE_TTL,
      refreshGrace: e.REFRESH_GRACE_SECONDS
    },
    corsOrigins: e.CORS_ORIGINS,
    trustedProxies: e.TRUSTED_PROXIES,
    logLevel: e.LOG_LEVEL,
    mcpAuthMode: e.MCP_AUTH_MODE,
    rateLimitPerMinute: e.RATE_LIMIT_PER_MINUTE,
    cimdAllowPrivateAddresses: e.CIMD_ALLOW_PRIVATE_ADDRESSES,
    instanceId: e.INSTANCE_ID,
    rateLimitStore: e.RATE_LIMIT_STORE,
    redisUrl: e.REDIS_URL,
    keyReloadSeconds: e.KEY_RELOAD_SECONDS
  });
}

// src/config/env.ts
import { parse as parse2 } from "dotenv";
import { existsSync, readFileSync } from "node:fs";
function readEnv(processEnv, dotenvPath = ".env") {
  const fromFile = existsSync(dotenvPath) ? parse2(readFileSync(dotenvPath)) : {};
  return { ...fromFile, ...processEnv };
}

// src/log/logger.ts
import { pino } from "pino";
function createLogger(level, destination) {
  return pino(
    {
      level,
      redact: {
        paths: ["*.authorization", "*.client_secret", "*.code", "*.code_verifier", "*.refresh_token", "*.access_token", "*.password"],
        censor: "[redacted]"
      }
    },
    destination
  );
}

// src/cli/context.ts
function loadCliConfig(io2, env = process.env) {
  try {
    return loadConfig(readEnv(env));
  } catch (err) {
    if (err instanceof ConfigError) {
      io2.stderr.write(`oauth-mcp: configuration error: ${err.message}
`);
      process.exit(2);
    }
    throw err;
  }
}
function cliLogger(config) {
  return createLogger(config.logLevel);
}
var clock = systemClock;

// src/cli/flow.ts
var USAGE2 = `usage: oauth-mcp flow [--mcp <url>] [--issuer <url>] [--timeout <seconds>]

Walks through the original demo's 13 steps against running servers (npm start), printing each request and
response. URLs default to the configuration (MCP_SERVER_URL, OAUTH_ISSUER).
`;
async function runFlowCommand(args, io2, env = process.env) {
  let values;
  try {
    ({ values } = parseArgs2({
      args,
      options: { mcp: { type: "string" }, issuer: { type: "string" }, timeout: { type: "string" }, help: { type: "boolean", short: "h" } }
    }));
  } catch (err) {
    io2.stderr.write(`oauth-mcp flow: ${err.message}
${USAGE2}`);
    return 2;
  }
  if (values.help) {
    io2.stdout.write(USAGE2);
    return 0;
  }
  const timeout = Number(values.timeout ?? 10);
  for (const [flag, v] of [["--mcp", values.mcp], ["--issuer", values.issuer]]) {
    if (v !== void 0 && !URL.canParse(v)) {
      io2.stderr.write(`oauth-mcp flow: ${flag} must be an absolute URL
`);
      return 2;
    }
  }
  if (!(timeout > 0)) {
    io2.stderr.write("oauth-mcp flow: --timeout must be a positive number of seconds\n");
    return 2;
  }
  const config = loadCliConfig(io2, env);
  const mcpUrl = mcpEndpoint(values.mcp ?? config.mcpServer.url);
  const expectedIssuer = values.issuer?.replace(/\/+$/, "") ?? (values.mcp ? void 0 : config.authServer.issuer);
  const state = {
    mcpUrl,
    apiBase: serverBase(mcpUrl),
    expectedIssuer,
    demoClient: { id: config.demo.clientId, secret: config.demo.clientSecret }
  };
  const results = await runFlow(state, {
    http: { fetch: globalThis.fetch, timeoutMs: timeout * 1e3, now: () => performance.now() },
    write: (text2) => void io2.stdout.write(text2),
    color: wantsColor(io2.stdout, env)
  });
  return results.every((r) => r.status === "pass") ? 0 : 1;
}

// src/keys/key-ring.ts
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from "jose";

// src/keys/encryption.ts
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes as randomBytes2 } from "node:crypto";
function deriveKey(secretKey, purpose) {
  return Buffer.from(hkdfSync("sha256", secretKey, "oauth-mcp", purpose, 32));
}
function encrypt(key, plaintext) {
  const iv = randomBytes2(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const data = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), data.toString("base64url")].join(".");
}
function decrypt(key, sealed) {
  const [v, iv, tag, data] = sealed.split(".");
  if (v !== "v1" || !iv || !tag || data === void 0) throw new Error("not an encrypted value");
  const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"), { authTagLength: 16 });
  decipher.setAuthTag(Buffer.from(tag, "base64url"));
  return Buffer.concat([decipher.update(Buffer.from(data, "base64url")), decipher.final()]).toString("utf8");
}

// src/keys/key-ring.ts
var SIGNING_ALG = "ES256";
var KeyRing = class _KeyRing {
  constructor(store, encryptionKey, clock2, retentionSeconds) {
    this.store = store;
    this.encryptionKey = encryptionKey;
    this.clock = clock2;
    this.retentionSeconds = retentionSeconds;
  }
  store;
  encryptionKey;
  clock;
  retentionSeconds;
  current;
  published = [];
  /** Loads the keys, generating the first one if the store has none. Fails at start if SECRET_KEY cannot decrypt them. */
  static async open(opts) {
    const ring = new _KeyRing(opts.store, deriveKey(opts.secretKey, "signing-keys"), opts.clock, opts.accessTokenTtl + 300);
    await ring.reload();
    if (!ring.current) {
      await ring.addKey();
      await ring.reload();
    }
    return ring;
  }
  /** Re-reads the keys from the store (another instance may have rotated). */
  async reload() {
    const now = this.clock();
    const records = (await this.store.listSigningKeys()).filter((k) => k.expiresAt === null || k.expiresAt > now);
    const active = records.find((k) => k.retiredAt === null);
    this.published = records.map((k) => ({ ...k.publicJwk, kid: k.kid, alg: k.alg, use: "sig" }));
    this.current = active ? await this.unseal(active) : void 0;
  }
  /** Generates a new signing key and retires the one it replaces. Returns the new kid. */
  async rotate() {
    const kid = await this.addKey();
    await this.reload();
    return kid;
  }
  signingKey() {
    if (!this.current) throw new Error("no active signing key");
    return this.current;
  }
  /** The public JWK Set (RFC 7517 §5). */
  jwks() {
    return { keys: this.published };
  }
  async addKey() {
    const now = this.clock();
    const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
    const publicJwk = await exportJWK(publicKey);
    const kid = await calculateJwkThumbprint(publicJwk);
    const privateJwk = await exportJWK(privateKey);
    const previous = (await this.store.listSigningKeys()).filter((k) => k.retiredAt === null);
    await this.store.insertSigningKey({
      kid,
      alg: SIGNING_ALG,
      publicJwk,
      privateJwkEncrypted: encrypt(this.encryptionKey, JSON.stringify(privateJwk)),
      createdAt: now,
      retiredAt: null,
      expiresAt: null
    });
    for (const old of previous) await this.store.retireSigningKey(old.kid, now, now + this.retentionSeconds);
    return kid;
  }
  async unseal(record) {
    let jwk;
    try {
      jwk = JSON.parse(decrypt(this.encryptionKey, record.privateJwkEncrypted));
    } catch (cause) {
      throw new Error(`SECRET_KEY: cannot decrypt signing key ${record.kid}; was SECRET_KEY changed?`, { cause });
    }
    return { kid: record.kid, alg: record.alg, privateKey: await importJWK(jwk, record.alg) };
  }
};

// src/store/open-store.ts
import { Migrator, sql } from "kysely";
import { setTimeout as sleep } from "node:timers/promises";

// src/store/kysely-store.ts
var toClient = (r) => ({
  clientId: r.client_id,
  clientSecretHash: r.client_secret_hash,
  clientName: r.client_name,
  redirectUris: JSON.parse(r.redirect_uris),
  grantTypes: JSON.parse(r.grant_types),
  responseTypes: JSON.parse(r.response_types),
  tokenEndpointAuthMethod: r.token_endpoint_auth_method,
  scope: r.scope,
  applicationType: r.application_type,
  metadata: JSON.parse(r.metadata),
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at
});
var toUser = (r) => ({
  id: r.id,
  username: r.username,
  passwordHash: r.password_hash,
  isAdmin: r.is_admin === 1,
  createdAt: r.created_at
});
var toGrant = (r) => ({
  id: r.id,
  clientId: r.client_id,
  subject: r.subject,
  scope: r.scope,
  resource: r.resource,
  createdAt: r.created_at,
  lastUsedAt: r.last_used_at,
  revokedAt: r.revoked_at
});
var toCode = (r) => ({
  codeHash: r.code_hash,
  grantId: r.grant_id,
  clientId: r.client_id,
  subject: r.subject,
  redirectUri: r.redirect_uri,
  codeChallenge: r.code_challenge,
  scope: r.scope,
  resource: r.resource,
  expiresAt: r.expires_at,
  usedAt: r.used_at,
  createdAt: r.created_at
});
var toRefresh = (r) => ({
  tokenHash: r.token_hash,
  grantId: r.grant_id,
  clientId: r.client_id,
  subject: r.subject,
  scope: r.scope,
  resource: r.resource,
  expiresAt: r.expires_at,
  rotatedAt: r.rotated_at,
  revokedAt: r.revoked_at,
  createdAt: r.created_at
});
var refreshRow = (t) => ({
  token_hash: t.tokenHash,
  grant_id: t.grantId,
  client_id: t.clientId,
  subject: t.subject,
  scope: t.scope,
  resource: t.resource,
  expires_at: t.expiresAt,
  rotated_at: t.rotatedAt,
  revoked_at: t.revokedAt,
  created_at: t.createdAt
});
var toKey = (r) => ({
  kid: r.kid,
  alg: r.alg,
  publicJwk: JSON.parse(r.public_jwk),
  privateJwkEncrypted: r.private_jwk_encrypted,
  createdAt: r.created_at,
  retiredAt: r.retired_at,
  expiresAt: r.expires_at
});
var toItem = (r) => ({
  id: r.id,
  owner: r.owner,
  name: r.name,
  value: r.value,
  createdAt: r.created_at,
  updatedAt: r.updated_at
});
var KyselyStore = class {
  constructor(db, dialect) {
    this.db = db;
    this.dialect = dialect;
  }
  db;
  dialect;
  // clients
  async createClient(c) {
    await this.db.insertInto("clients").values({
      client_id: c.clientId,
      client_secret_hash: c.clientSecretHash,
      client_name: c.clientName,
      redirect_uris: JSON.stringify(c.redirectUris),
      grant_types: JSON.stringify(c.grantTypes),
      response_types: JSON.stringify(c.responseTypes),
      token_endpoint_auth_method: c.tokenEndpointAuthMethod,
      scope: c.scope,
      application_type: c.applicationType,
      metadata: JSON.stringify(c.metadata),
      created_at: c.createdAt,
      last_used_at: c.lastUsedAt
    }).execute();
  }
  async getClient(clientId) {
    const r = await this.db.selectFrom("clients").selectAll().where("client_id", "=", clientId).executeTakeFirst();
    return r && toClient(r);
  }
  async listClients() {
    return (await this.db.selectFrom("clients").selectAll().orderBy("created_at").execute()).map(toClient);
  }
  async deleteClient(clientId) {
    const r = await this.db.deleteFrom("clients").where("client_id", "=", clientId).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  async touchClient(clientId, at) {
    await this.db.updateTable("clients").set({ last_used_at: at }).where("client_id", "=", clientId).execute();
  }
  async updateClientSecret(clientId, clientSecretHash) {
    const r = await this.db.updateTable("clients").set({ client_secret_hash: clientSecretHash }).where("client_id", "=", clientId).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  // users
  async createUser(u) {
    await this.db.insertInto("users").values({ id: u.id, username: u.username, password_hash: u.passwordHash, is_admin: u.isAdmin ? 1 : 0, created_at: u.createdAt }).execute();
  }
  async getUser(id) {
    const r = await this.db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
    return r && toUser(r);
  }
  async getUserByUsername(username) {
    const r = await this.db.selectFrom("users").selectAll().where("username", "=", username).executeTakeFirst();
    return r && toUser(r);
  }
  async listUsers() {
    return (await this.db.selectFrom("users").selectAll().orderBy("username").execute()).map(toUser);
  }
  async setUserPassword(id, passwordHash) {
    const r = await this.db.updateTable("users").set({ password_hash: passwordHash }).where("id", "=", id).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async deleteUser(id) {
    const r = await this.db.deleteFrom("users").where("id", "=", id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  // grants
  async createGrant(g) {
    await this.db.insertInto("grants").values({
      id: g.id,
      client_id: g.clientId,
      subject: g.subject,
      scope: g.scope,
      resource: g.resource,
      created_at: g.createdAt,
      last_used_at: g.lastUsedAt,
      revoked_at: g.revokedAt
    }).execute();
  }
  async getGrant(id) {
    const r = await this.db.selectFrom("grants").selectAll().where("id", "=", id).executeTakeFirst();
    return r && toGrant(r);
  }
  async listGrantsForSubject(subject) {
    const rows = await this.db.selectFrom("grants").selectAll().where("subject", "=", subject).orderBy("created_at", "desc").execute();
    return rows.map(toGrant);
  }
  async touchGrant(id, at) {
    await this.db.updateTable("grants").set({ last_used_at: at }).where("id", "=", id).execute();
  }
  async revokeGrant(id, at) {
    await this.db.transaction().execute(async (trx) => {
      await trx.updateTable("grants").set({ revoked_at: at }).where("id", "=", id).where("revoked_at", "is", null).execute();
      await trx.updateTable("refresh_tokens").set({ revoked_at: at }).where("grant_id", "=", id).where("revoked_at", "is", null).execute();
    });
  }
  // authorization codes
  async insertCode(c) {
    await this.db.insertInto("authorization_codes").values({
      code_hash: c.codeHash,
      grant_id: c.grantId,
      client_id: c.clientId,
      subject: c.subject,
      redirect_uri: c.redirectUri,
      code_challenge: c.codeChallenge,
      scope: c.scope,
      resource: c.resource,
      expires_at: c.expiresAt,
      used_at: c.usedAt,
      created_at: c.createdAt
    }).execute();
  }
  async getCode(codeHash) {
    const r = await this.db.selectFrom("authorization_codes").selectAll().where("code_hash", "=", codeHash).executeTakeFirst();
    return r && toCode(r);
  }
  async consumeCode(codeHash, at) {
    const won = await this.db.updateTable("authorization_codes").set({ used_at: at }).where("code_hash", "=", codeHash).where("used_at", "is", null).executeTakeFirst();
    const row = await this.db.selectFrom("authorization_codes").selectAll().where("code_hash", "=", codeHash).executeTakeFirst();
    if (!row) return { status: "not_found" };
    return { status: Number(won.numUpdatedRows) > 0 ? "ok" : "replayed", code: toCode(row) };
  }
  // refresh tokens
  async insertRefreshToken(t) {
    await this.db.insertInto("refresh_tokens").values(refreshRow(t)).execute();
  }
  async insertRefreshTokenIfAbsent(t) {
    const r = await this.db.insertInto("refresh_tokens").values(refreshRow(t)).onConflict((oc) => oc.column("token_hash").doNothing()).executeTakeFirst();
    return Number(r.numInsertedOrUpdatedRows ?? 0n) > 0;
  }
  async getRefreshToken(tokenHash) {
    const r = await this.db.selectFrom("refresh_tokens").selectAll().where("token_hash", "=", tokenHash).executeTakeFirst();
    return r && toRefresh(r);
  }
  async markRefreshTokenRotated(tokenHash, at) {
    const r = await this.db.updateTable("refresh_tokens").set({ rotated_at: at }).where("token_hash", "=", tokenHash).where("rotated_at", "is", null).where("revoked_at", "is", null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  async revokeRefreshToken(tokenHash, at) {
    const r = await this.db.updateTable("refresh_tokens").set({ revoked_at: at }).where("token_hash", "=", tokenHash).where("revoked_at", "is", null).executeTakeFirst();
    return Number(r.numUpdatedRows) > 0;
  }
  // revoked access tokens
  async revokeAccessToken(jti, expiresAt) {
    await this.db.insertInto("revoked_access_tokens").values({ jti, expires_at: expiresAt }).onConflict((oc) => oc.column("jti").doNothing()).execute();
  }
  async isAccessTokenRevoked(jti) {
    const r = await this.db.selectFrom("revoked_access_tokens").select("jti").where("jti", "=", jti).executeTakeFirst();
    return r !== void 0;
  }
  // signing keys
  async insertSigningKey(k) {
    await this.db.insertInto("signing_keys").values({
      kid: k.kid,
      alg: k.alg,
      public_jwk: JSON.stringify(k.publicJwk),
      private_jwk_encrypted: k.privateJwkEncrypted,
      created_at: k.createdAt,
      retired_at: k.retiredAt,
      expires_at: k.expiresAt
    }).execute();
  }
  async listSigningKeys() {
    const rows = await this.db.selectFrom("signing_keys").selectAll().orderBy("created_at", "desc").orderBy("kid").execute();
    return rows.map(toKey);
  }
  async retireSigningKey(kid, at, expiresAt) {
    await this.db.updateTable("signing_keys").set({ retired_at: at, expires_at: expiresAt }).where("kid", "=", kid).where("retired_at", "is", null).execute();
  }
  // data items
  async listItems(owner) {
    return (await this.db.selectFrom("data_items").selectAll().where("owner", "=", owner).orderBy("id").execute()).map(toItem);
  }
  async getItem(owner, id) {
    const r = await this.db.selectFrom("data_items").selectAll().where("owner", "=", owner).where("id", "=", id).executeTakeFirst();
    return r && toItem(r);
  }
  async createItem(owner, item, at) {
    const r = await this.db.insertInto("data_items").values({ owner, name: item.name, value: item.value, created_at: at, updated_at: at }).returningAll().executeTakeFirstOrThrow();
    return toItem(r);
  }
  async updateItem(owner, id, patch, at) {
    const r = await this.db.updateTable("data_items").set({ ...patch.name !== void 0 && { name: patch.name }, ...patch.value !== void 0 && { value: patch.value }, updated_at: at }).where("owner", "=", owner).where("id", "=", id).returningAll().executeTakeFirst();
    return r && toItem(r);
  }
  async deleteItem(owner, id) {
    const r = await this.db.deleteFrom("data_items").where("owner", "=", owner).where("id", "=", id).executeTakeFirst();
    return Number(r.numDeletedRows) > 0;
  }
  // web pages
  async createWebSession(s) {
    await this.db.insertInto("web_sessions").values({ id_hash: s.idHash, user_id: s.userId, created_at: s.createdAt, expires_at: s.expiresAt }).execute();
  }
  async getWebSession(idHash) {
    const r = await this.db.selectFrom("web_sessions").selectAll().where("id_hash", "=", idHash).executeTakeFirst();
    return r && { idHash: r.id_hash, userId: r.user_id, createdAt: r.created_at, expiresAt: r.expires_at };
  }
  async deleteWebSession(idHash) {
    await this.db.deleteFrom("web_sessions").where("id_hash", "=", idHash).execute();
  }
  async createWebInteraction(i) {
    await this.db.insertInto("web_interactions").values({ id_hash: i.idHash, request: i.request, created_at: i.createdAt, expires_at: i.expiresAt }).execute();
  }
  async getWebInteraction(idHash) {
    const r = await this.db.selectFrom("web_interactions").selectAll().where("id_hash", "=", idHash).executeTakeFirst();
    return r && { idHash: r.id_hash, request: r.request, createdAt: r.created_at, expiresAt: r.expires_at };
  }
  async consumeWebInteraction(idHash) {
    const r = await this.db.deleteFrom("web_interactions").where("id_hash", "=", idHash).returningAll().executeTakeFirst();
    return r && { idHash: r.id_hash, request: r.request, createdAt: r.created_at, expiresAt: r.expires_at };
  }
  async getConsent(subject, clientId, resource) {
    const r = await this.db.selectFrom("consents").selectAll().where("subject", "=", subject).where("client_id", "=", clientId).where("resource", "=", resource).executeTakeFirst();
    return r && { subject: r.subject, clientId: r.client_id, resource: r.resource, scope: r.scope, createdAt: r.created_at, updatedAt: r.updated_at };
  }
  async saveConsent(c) {
    await this.db.insertInto("consents").values({ subject: c.subject, client_id: c.clientId, resource: c.resource, scope: c.scope, created_at: c.createdAt, updated_at: c.updatedAt }).onConflict((oc) => oc.columns(["subject", "client_id", "resource"]).doUpdateSet({ scope: c.scope, updated_at: c.updatedAt })).execute();
  }
  async deleteConsents(subject, clientId) {
    await this.db.deleteFrom("consents").where("subject", "=", subject).where("client_id", "=", clientId).execute();
  }
  // housekeeping
  async purgeExpired(now) {
    const counts2 = await Promise.all([
      this.db.deleteFrom("authorization_codes").where("expires_at", "<", now).executeTakeFirst(),
      this.db.deleteFrom("refresh_tokens").where("expires_at", "<", now).executeTakeFirst(),
      this.db.deleteFrom("revoked_access_tokens").where("expires_at", "<", now).executeTakeFirst(),
      this.db.deleteFrom("web_sessions").where("expires_at", "<", now).executeTakeFirst(),
      this.db.deleteFrom("web_interactions").where("expires_at", "<", now).executeTakeFirst(),
      this.db.deleteFrom("signing_keys").where("expires_at", "is not", null).where("expires_at", "<", now).executeTakeFirst()
    ]);
    return counts2.reduce((n, r) => n + Number(r.numDeletedRows), 0);
  }
  async purgeUnusedPublicClients(createdBefore) {
    const r = await this.db.deleteFrom("clients").where("token_endpoint_auth_method", "=", "none").where("last_used_at", "is", null).where("created_at", "<", createdBefore).executeTakeFirst();
    return Number(r.numDeletedRows);
  }
  async ping() {
    await this.db.selectFrom("clients").select("client_id").limit(1).execute();
  }
  async close() {
    await this.db.destroy();
  }
};

// src/store/migrations/001-initial.ts
function initial(dialect) {
  return {
    async up(db) {
      const time = dialect === "postgres" ? "bigint" : "integer";
      await db.schema.createTable("clients").addColumn("client_id", "text", (c) => c.primaryKey()).addColumn("client_secret_hash", "text").addColumn("client_name", "text").addColumn("redirect_uris", "text", (c) => c.notNull()).addColumn("grant_types", "text", (c) => c.notNull()).addColumn("response_types", "text", (c) => c.notNull()).addColumn("token_endpoint_auth_method", "text", (c) => c.notNull()).addColumn("scope", "text", (c) => c.notNull()).addColumn("application_type", "text", (c) => c.notNull()).addColumn("metadata", "text", (c) => c.notNull()).addColumn("created_at", time, (c) => c.notNull()).addColumn("last_used_at", time).execute();
      await db.schema.createTable("users").addColumn("id", "text", (c) => c.primaryKey()).addColumn("username", "text", (c) => c.notNull().unique()).addColumn("password_hash", "text").addColumn("is_admin", "integer", (c) => c.notNull().defaultTo(0)).addColumn("created_at", time, (c) => c.notNull()).execute();
      await db.schema.createTable("grants").addColumn("id", "text", (c) => c.primaryKey()).addColumn("client_id", "text", (c) => c.notNull()).addColumn("subject", "text", (c) => c.notNull()).addColumn("scope", "text", (c) => c.notNull()).addColumn("resource", "text", (c) => c.notNull()).addColumn("created_at", time, (c) => c.notNull()).addColumn("last_used_at", time).addColumn("revoked_at", time).execute();
      await db.schema.createIndex("grants_subject").on("grants").column("subject").execute();
      await db.schema.createTable("authorization_codes").addColumn("code_hash", "text", (c) => c.primaryKey()).addColumn("grant_id", "text", (c) => c.notNull()).addColumn("client_id", "text", (c) => c.notNull()).addColumn("subject", "text", (c) => c.notNull()).addColumn("redirect_uri", "text", (c) => c.notNull()).addColumn("code_challenge", "text", (c) => c.notNull()).addColumn("scope", "text", (c) => c.notNull()).addColumn("resource", "text", (c) => c.notNull()).addColumn("expires_at", time, (c) => c.notNull()).addColumn("used_at", time).addColumn("created_at", time, (c) => c.notNull()).execute();
      await db.schema.createTable("refresh_tokens").addColumn("token_hash", "text", (c) => c.primaryKey()).addColumn("grant_id", "text", (c) => c.notNull()).addColumn("client_id", "text", (c) => c.notNull()).addColumn("subject", "text", (c) => c.notNull()).addColumn("scope", "text", (c) => c.notNull()).addColumn("resource", "text", (c) => c.notNull()).addColumn("expires_at", time, (c) => c.notNull()).addColumn("rotated_at", time).addColumn("revoked_at", time).addColumn("created_at", time, (c) => c.notNull()).execute();
      await db.schema.createIndex("refresh_tokens_grant").on("refresh_tokens").column("grant_id").execute();
      await db.schema.createTable("revoked_access_tokens").addColumn("jti", "text", (c) => c.primaryKey()).addColumn("expires_at", time, (c) => c.notNull()).execute();
      await db.schema.createTable("signing_keys").addColumn("kid", "text", (c) => c.primaryKey()).addColumn("alg", "text", (c) => c.notNull()).addColumn("public_jwk", "text", (c) => c.notNull()).addColumn("private_jwk_encrypted", "text", (c) => c.notNull()).addColumn("created_at", time, (c) => c.notNull()).addColumn("retired_at", time).addColumn("expires_at", time).execute();
      await db.schema.createTable("data_items").addColumn(
        "id",
        dialect === "postgres" ? "serial" : "integer",
        (c) => dialect === "postgres" ? c.primaryKey() : c.primaryKey().autoIncrement()
      ).addColumn("owner", "text", (c) => c.notNull()).addColumn("name", "text", (c) => c.notNull()).addColumn("value", "double precision", (c) => c.notNull()).addColumn("created_at", time, (c) => c.notNull()).addColumn("updated_at", time, (c) => c.notNull()).execute();
      await db.schema.createIndex("data_items_owner").on("data_items").column("owner").execute();
    },
    async down(db) {
      for (const t of ["data_items", "signing_keys", "revoked_access_tokens", "refresh_tokens", "authorization_codes", "grants", "users", "clients"]) {
        await db.schema.dropTable(t).ifExists().execute();
      }
    }
  };
}

// src/store/migrations/002-web.ts
function web(dialect) {
  return {
    async up(db) {
      const time = dialect === "postgres" ? "bigint" : "integer";
      await db.schema.createTable("web_sessions").addColumn("id_hash", "text", (c) => c.primaryKey()).addColumn("user_id", "text", (c) => c.notNull()).addColumn("created_at", time, (c) => c.notNull()).addColumn("expires_at", time, (c) => c.notNull()).execute();
      await db.schema.createIndex("web_sessions_user").on("web_sessions").column("user_id").execute();
      await db.schema.createTable("web_interactions").addColumn("id_hash", "text", (c) => c.primaryKey()).addColumn("request", "text", (c) => c.notNull()).addColumn("created_at", time, (c) => c.notNull()).addColumn("expires_at", time, (c) => c.notNull()).execute();
      await db.schema.createTable("consents").addColumn("subject", "text", (c) => c.notNull()).addColumn("client_id", "text", (c) => c.notNull()).addColumn("resource", "text", (c) => c.notNull()).addColumn("scope", "text", (c) => c.notNull()).addColumn("created_at", time, (c) => c.notNull()).addColumn("updated_at", time, (c) => c.notNull()).addPrimaryKeyConstraint("consents_pk", ["subject", "client_id", "resource"]).execute();
    },
    async down(db) {
      for (const t of ["consents", "web_interactions", "web_sessions"]) await db.schema.dropTable(t).ifExists().execute();
    }
  };
}

// src/store/migrations/index.ts
function migrationProvider(dialect) {
  return {
    async getMigrations() {
      return { "001-initial": initial(dialect), "002-web": web(dialect) };
    }
  };
}

// src/store/postgres.ts
import pg from "pg";
import { Kysely, PostgresDialect } from "kysely";
var types = {
  getTypeParser(oid, format) {
    if (oid === pg.types.builtins.INT8) return (v) => Number(v);
    return pg.types.getTypeParser(oid, format);
  }
};
function openPostgres(url, max = 10) {
  const pool = new pg.Pool({ connectionString: url, max, types });
  return new Kysely({ dialect: new PostgresDialect({ pool }) });
}

// src/store/sqlite.ts
import SQLite from "better-sqlite3";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Kysely as Kysely2, SqliteDialect } from "kysely";
function openSqlite(path) {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new SQLite(path);
  db.pragma("busy_timeout = 5000");
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.pragma("foreign_keys = ON");
  return new Kysely2({ dialect: new SqliteDialect({ database: db }) });
}

// src/store/open-store.ts
function dialectOf(databaseUrl) {
  return databaseUrl.startsWith("sqlite:") ? "sqlite" : "postgres";
}
async function migrate(db, dialect) {
  const run2 = (target) => new Migrator({ db: target, provider: migrationProvider(dialect) }).migrateToLatest();
  const { error, results } = dialect === "postgres" ? await run2(db) : await withSqliteWriteLock(db, run2);
  const failed = results?.find((r) => r.status === "Error");
  if (error || failed) {
    throw new Error(`database migration ${failed?.migrationName ?? ""} failed: ${String(error?.message ?? error)}`);
  }
}
async function withSqliteWriteLock(db, run2, timeoutMs = 3e4) {
  return db.connection().execute(async (conn) => {
    const busy = await sql`pragma busy_timeout`.execute(conn);
    await sql`pragma busy_timeout = 0`.execute(conn);
    try {
      for (const deadline = Date.now() + timeoutMs; ; ) {
        try {
          await sql`begin immediate`.execute(conn);
          break;
        } catch (err) {
          if (err.code !== "SQLITE_BUSY" || Date.now() > deadline) throw err;
          await sleep(20);
        }
      }
    } finally {
      await sql`pragma busy_timeout = ${sql.raw(String(busy.rows[0]?.timeout ?? 5e3))}`.execute(conn);
    }
    try {
      const result = await run2(conn);
      await sql.raw(result.error ? "rollback" : "commit").execute(conn);
      return result;
    } catch (err) {
      await sql`rollback`.execute(conn).catch(() => void 0);
      throw err;
    }
  });
}
async function openStore(databaseUrl) {
  const dialect = dialectOf(databaseUrl);
  const db = dialect === "sqlite" ? openSqlite(databaseUrl.slice("sqlite:".length)) : openPostgres(databaseUrl);
  try {
    await migrate(db, dialect);
  } catch (err) {
    await db.destroy();
    throw err;
  }
  return new KyselyStore(db, dialect);
}

// src/cli/keys.ts
async function runKeysCommand(args, io2) {
  const config = loadCliConfig(io2);
  const store = await openStore(config.databaseUrl);
  try {
    const ring = await KeyRing.open({ store, secretKey: config.secretKey, clock: systemClock, accessTokenTtl: config.ttl.accessToken });
    if (args[0] === "rotate") {
      const kid = await ring.rotate();
      io2.stdout.write(`new signing key ${kid}; retired keys stay in the JWKS until their tokens have expired
`);
      io2.stdout.write("running servers pick the new key up within 60 seconds\n");
      return 0;
    }
    if (args[0] === "list" || args[0] === void 0) {
      for (const k of await store.listSigningKeys()) {
        const state = k.retiredAt === null ? "active" : `retired, published until ${new Date((k.expiresAt ?? 0) * 1e3).toISOString()}`;
        io2.stdout.write(`${k.kid}  ${k.alg}  created ${new Date(k.createdAt * 1e3).toISOString()}  ${state}
`);
      }
      return 0;
    }
    io2.stderr.write("usage: oauth-mcp keys [list|rotate]\n");
    return 2;
  } finally {
    await store.close();
  }
}

// src/cli/migrate.ts
async function runMigrateCommand(io2) {
  const config = loadCliConfig(io2);
  const store = await openStore(config.databaseUrl);
  await store.close();
  io2.stdout.write(`database schema is up to date (${store.dialect})
`);
  return 0;
}

// src/auth-server/app.ts
import { Hono as Hono9 } from "hono";
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";

// src/http/cors.ts
import { cors } from "hono/cors";
function publicCors() {
  return cors({
    origin: "*",
    allowMethods: ["GET", "POST", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "MCP-Protocol-Version"],
    exposeHeaders: ["WWW-Authenticate", "Retry-After"],
    maxAge: 600
  });
}
function allowlistCors(origins) {
  return cors({
    origin: (origin) => origins.includes("*") || origins.includes(origin) ? origin : null,
    allowMethods: ["GET", "POST", "PUT", "DELETE", "OPTIONS"],
    allowHeaders: ["Authorization", "Content-Type", "Accept", "MCP-Protocol-Version", "Mcp-Session-Id", "Mcp-Method", "Mcp-Name", "Last-Event-ID"],
    exposeHeaders: ["WWW-Authenticate", "Mcp-Session-Id", "MCP-Protocol-Version", "Retry-After"],
    maxAge: 600
  });
}

// src/http/error-handler.ts
import { HTTPException } from "hono/http-exception";

// src/oauth/errors.ts
var STATUS = {
  invalid_request: 400,
  invalid_client: 401,
  invalid_grant: 400,
  unauthorized_client: 400,
  unsupported_grant_type: 400,
  invalid_scope: 400,
  access_denied: 403,
  unsupported_response_type: 400,
  server_error: 500,
  temporarily_unavailable: 503,
  invalid_redirect_uri: 400,
  invalid_client_metadata: 400,
  invalid_target: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  unsupported_token_type: 400,
  slow_down: 429
};
var OAuthError = class extends Error {
  constructor(code, description, options = {}) {
    super(`${code}: ${description}`, { cause: options.cause });
    this.code = code;
    this.description = description;
    this.status = options.status ?? STATUS[code];
    this.headers = options.headers ?? {};
  }
  code;
  description;
  name = "OAuthError";
  status;
  headers;
  /** The RFC 6749 §5.2 JSON body. */
  toJSON() {
    return { error: this.code, error_description: this.description };
  }
};

// src/http/error-handler.ts
function errorHandler(logger) {
  return (err, c) => {
    if (err instanceof OAuthError) {
      if (err.status >= 500) logger.error({ err: err.cause ?? err, path: c.req.path }, err.description);
      else logger.debug({ code: err.code, path: c.req.path, cause: err.cause?.message }, err.description);
      return c.json(err.toJSON(), err.status, { "Cache-Control": "no-store", ...err.headers });
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const body = { error: status === 413 ? "invalid_request" : "invalid_request", error_description: err.message || "bad request" };
      return c.json(body, status, { "Cache-Control": "no-store" });
    }
    logger.error({ err, path: c.req.path }, "unhandled error");
    return c.json({ error: "server_error", error_description: "internal server error" }, 500, { "Cache-Control": "no-store" });
  };
}

// src/auth-server/authorize.ts
import { Hono } from "hono";

// src/http/rate-limit.ts
import { RateLimiterMemory, RateLimiterRes } from "rate-limiter-flexible";

// src/http/client-ip.ts
import { getConnInfo } from "@hono/node-server/conninfo";
function clientIp(c, trustedProxies) {
  let peer = "unknown";
  try {
    peer = getConnInfo(c).remote.address ?? "unknown";
  } catch {
    peer = "in-process";
  }
  if (!trustedProxies.includes(peer)) return peer;
  const chain = (c.req.header("x-forwarded-for") ?? "").split(",").map((s) => s.trim()).filter(Boolean);
  for (let i = chain.length - 1; i >= 0; i--) {
    if (!trustedProxies.includes(chain[i])) return chain[i];
  }
  return peer;
}

// src/http/rate-limit.ts
function memoryRateLimits(perMinute) {
  const make = (points) => new RateLimiterMemory({ points: Math.max(points, 1), duration: 60 });
  const limits = {
    register: make(Math.ceil(perMinute / 4)),
    authorize: make(perMinute),
    token: make(perMinute),
    login: make(Math.ceil(perMinute / 4))
  };
  if (perMinute === 0) {
    const unlimited = new RateLimiterMemory({ points: Number.MAX_SAFE_INTEGER, duration: 1 });
    return { register: unlimited, authorize: unlimited, token: unlimited, login: unlimited };
  }
  return limits;
}
function rateLimit(limiter, trustedProxies) {
  return async (c, next) => {
    try {
      await limiter.consume(clientIp(c, trustedProxies));
    } catch (res) {
      if (!(res instanceof RateLimiterRes)) throw res;
      const retryAfter = String(Math.max(1, Math.ceil(res.msBeforeNext / 1e3)));
      throw new OAuthError("temporarily_unavailable", "too many requests; retry later", { status: 429, headers: { "Retry-After": retryAfter } });
    }
    await next();
  };
}

// src/oauth/scopes.ts
var SCOPES = {
  read: "Read your profile and your data items",
  write: "Create, change and delete your data items"
};
var SUPPORTED_SCOPES = Object.keys(SCOPES);
var DEFAULT_SCOPES = ["read", "write"];
function parseScope(scope) {
  if (!scope) return [];
  return [...new Set(scope.split(" ").filter(Boolean))];
}
function formatScope(scopes) {
  return scopes.join(" ");
}
function resolveRequestedScopes(requested, allowed = SUPPORTED_SCOPES) {
  const asked = parseScope(requested);
  if (asked.length === 0) return DEFAULT_SCOPES.filter((s) => allowed.includes(s));
  return SUPPORTED_SCOPES.filter((s) => asked.includes(s) && allowed.includes(s));
}
var IMPLIES = { write: ["read"] };
function hasScopes(granted, needed) {
  const covered = new Set(granted.flatMap((s) => [s, ...IMPLIES[s] ?? []]));
  return needed.every((s) => covered.has(s));
}

// src/oauth/redirect-uri.ts
var LOOPBACK_HOSTS = /* @__PURE__ */ new Set(["127.0.0.1", "[::1]", "localhost"]);
var FORBIDDEN_SCHEMES = /* @__PURE__ */ new Set(["javascript:", "data:", "vbscript:", "file:", "about:", "blob:"]);
var PRIVATE_USE_SCHEME = /^[a-z][a-z0-9+.-]*:$/;
function checkRedirectUri(raw2) {
  let url;
  try {
    url = new URL(raw2);
  } catch {
    return { ok: false, reason: "is not an absolute URI" };
  }
  if (raw2.includes("#")) return { ok: false, reason: "must not contain a fragment (RFC 6749 \xA73.1.2)" };
  const scheme = url.protocol.toLowerCase();
  if (FORBIDDEN_SCHEMES.has(scheme)) {
    return { ok: false, reason: `uses the ${scheme.slice(0, -1)}: scheme, which is never allowed (open redirect / script injection)` };
  }
  if (url.username || url.password) return { ok: false, reason: "must not contain user information" };
  if (scheme === "https:") return { ok: true, url };
  if (scheme === "http:") {
    if (LOOPBACK_HOSTS.has(url.hostname)) return { ok: true, url };
    return { ok: false, reason: "uses http on a non-loopback host; use https, or 127.0.0.1/[::1]/localhost (RFC 8252 \xA77.3)" };
  }
  if (PRIVATE_USE_SCHEME.test(scheme)) return { ok: true, url };
  return { ok: false, reason: "has an unsupported scheme" };
}
function isLoopbackHttp(url) {
  return url.protocol === "http:" && LOOPBACK_HOSTS.has(url.hostname);
}
function redirectUriMatches(registered, requested) {
  if (registered === requested) return true;
  let r;
  let q;
  try {
    r = new URL(registered);
    q = new URL(requested);
  } catch {
    return false;
  }
  if (!isLoopbackHttp(r) || !isLoopbackHttp(q)) return false;
  if (requested.includes("#")) return false;
  return r.hostname === q.hostname && r.pathname === q.pathname && r.search === q.search;
}

// src/oauth/resource.ts
function canonicalResource(raw2) {
  let url;
  try {
    url = new URL(raw2);
  } catch {
    return null;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return null;
  if (url.hash || raw2.includes("#")) return null;
  const path = url.pathname.replace(/\/+$/, "");
  return `${url.protocol}//${url.host}${path}${url.search}`;
}

// src/auth-server/cimd.ts
import { z as z3 } from "zod";

// src/auth-server/client-metadata.ts
import { z as z2 } from "zod";
var SUPPORTED_GRANT_TYPES = ["authorization_code", "refresh_token", "client_credentials"];
var MAX_URI = 2e3;
var text = (max) => z2.string({ error: "must be a string" }).trim().min(1, "must not be empty").max(max, `must be at most ${max} characters`);
var webUrl = z2.string({ error: "must be a string" }).max(MAX_URI, `must be at most ${MAX_URI} characters`).refine((u) => {
  try {
    return ["http:", "https:"].includes(new URL(u).protocol);
  } catch {
    return false;
  }
}, "must be an absolute http(s) URL");
var descriptiveMetadataShape = {
  client_name: text(200).optional(),
  client_uri: webUrl.optional(),
  logo_uri: webUrl.optional(),
  tos_uri: webUrl.optional(),
  policy_uri: webUrl.optional(),
  contacts: z2.array(text(320), { error: "must be an array of strings" }).max(20, "at most 20 entries").optional(),
  software_id: text(200).optional(),
  software_version: text(100).optional()
};
var DESCRIPTIVE_FIELDS = Object.keys(descriptiveMetadataShape);
var oneOf = (values) => z2.enum(values, { error: (iss) => `unsupported value ${JSON.stringify(iss.input)}; supported: ${values.join(", ")}` });
var protocolMetadataShape = {
  redirect_uris: z2.array(z2.string({ error: "must be a string" }).max(MAX_URI, `must be at most ${MAX_URI} characters`), { error: "must be an array of strings" }).max(20, "at most 20 redirect URIs").optional(),
  grant_types: z2.array(oneOf(SUPPORTED_GRANT_TYPES), { error: "must be an array of strings" }).max(10).optional(),
  response_types: z2.array(oneOf(["code"]), { error: "must be an array of strings" }).max(5).optional(),
  scope: z2.string({ error: "must be a space-delimited string" }).max(1e3, "must be at most 1000 characters").optional(),
  application_type: oneOf(["web", "native"]).optional()
};
function formatPath(path) {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out || "body";
}
function describeIssues(error) {
  return error.issues.slice(0, 5).map((i) => `${formatPath(i.path)}: ${i.message}`).join("; ");
}
var shorten = (s) => s.length > 100 ? `${s.slice(0, 100)}...` : s;
function redirectUriProblems(uris) {
  return uris.flatMap((uri, i) => {
    const check2 = checkRedirectUri(uri);
    return check2.ok ? [] : [`redirect_uris[${i}] ${JSON.stringify(shorten(uri))}: ${check2.reason}`];
  });
}
function assertRedirectUris(uris, grantTypes) {
  const problems = redirectUriProblems(uris);
  if (problems.length > 0) throw new OAuthError("invalid_redirect_uri", problems.join("; "));
  if (grantTypes.includes("authorization_code") && uris.length === 0) {
    throw new OAuthError("invalid_redirect_uri", "redirect_uris: at least one redirect URI is required for the authorization_code grant");
  }
}
function resolveGrantTypes(requestedGrants, requestedResponses, confidential) {
  const grantTypes = requestedGrants?.length ? [...new Set(requestedGrants)] : ["authorization_code", "refresh_token"];
  if (grantTypes.includes("client_credentials") && !confidential) {
    throw new OAuthError("invalid_client_metadata", "grant_types: client_credentials requires a confidential client (token_endpoint_auth_method other than none)");
  }
  const usesCode = grantTypes.includes("authorization_code");
  const responseTypes = requestedResponses ?? (usesCode ? ["code"] : []);
  if (usesCode !== responseTypes.includes("code")) {
    throw new OAuthError("invalid_client_metadata", 'response_types: "code" must be listed exactly when grant_types includes authorization_code');
  }
  return { grantTypes, responseTypes: [...new Set(responseTypes)] };
}
function acceptedClientScope(requested) {
  const known = resolveRequestedScopes(requested);
  return formatScope(known.length > 0 ? known : DEFAULT_SCOPES);
}
function pickDescriptive(input) {
  const out = {};
  for (const k of DESCRIPTIVE_FIELDS) if (k !== "client_name" && input[k] !== void 0) out[k] = input[k];
  return out;
}

// src/auth-server/cimd-fetch.ts
import { lookup } from "node:dns/promises";
import http from "node:http";
import https from "node:https";
import { BlockList, isIP } from "node:net";
var CIMD_MAX_BYTES = 10 * 1024;
var CIMD_TIMEOUT_MS = 5e3;
var SPECIAL_RANGES = [
  ["unspecified", "ipv4", "0.0.0.0", 8],
  ["private", "ipv4", "10.0.0.0", 8],
  ["shared (carrier-grade NAT)", "ipv4", "100.64.0.0", 10],
  ["loopback", "ipv4", "127.0.0.0", 8],
  ["link-local", "ipv4", "169.254.0.0", 16],
  ["private", "ipv4", "172.16.0.0", 12],
  ["reserved", "ipv4", "192.0.0.0", 24],
  ["documentation", "ipv4", "192.0.2.0", 24],
  ["private", "ipv4", "192.168.0.0", 16],
  ["benchmarking", "ipv4", "198.18.0.0", 15],
  ["documentation", "ipv4", "198.51.100.0", 24],
  ["documentation", "ipv4", "203.0.113.0", 24],
  ["multicast", "ipv4", "224.0.0.0", 4],
  ["reserved", "ipv4", "240.0.0.0", 4],
  ["unspecified", "ipv6", "::", 128],
  ["loopback", "ipv6", "::1", 128],
  // Translation prefixes can embed any IPv4 address, private ones included; refused as a whole.
  ["NAT64 (may embed a private IPv4 address)", "ipv6", "64:ff9b::", 96],
  ["NAT64 (may embed a private IPv4 address)", "ipv6", "64:ff9b:1::", 48],
  ["discard-only", "ipv6", "100::", 64],
  ["Teredo (may embed a private IPv4 address)", "ipv6", "2001::", 32],
  ["documentation", "ipv6", "2001:db8::", 32],
  ["6to4 (may embed a private IPv4 address)", "ipv6", "2002::", 16],
  ["unique-local", "ipv6", "fc00::", 7],
  ["link-local", "ipv6", "fe80::", 10],
  ["site-local", "ipv6", "fec0::", 10],
  ["multicast", "ipv6", "ff00::", 8]
];
var RANGE_LISTS = SPECIAL_RANGES.map(([reason, family, network, prefix]) => {
  const list3 = new BlockList();
  list3.addSubnet(network, prefix, family);
  return { reason, list: list3 };
});
function forbiddenAddressReason(address) {
  const ip = address.replace(/^\[|\]$/g, "").replace(/%.*$/, "");
  const version = isIP(ip);
  if (version === 0) return "not an IP address";
  const family = version === 4 ? "ipv4" : "ipv6";
  for (const { reason, list: list3 } of RANGE_LISTS) if (list3.check(ip, family)) return reason;
  return null;
}
var LOOPBACK_NAMES = /* @__PURE__ */ new Set(["127.0.0.1", "[::1]", "localhost"]);
var fail = (why, cause) => new OAuthError("invalid_client", `client metadata document ${why}`, { cause });
async function resolvePublicAddress(url, opts) {
  const host = url.hostname.replace(/^\[|\]$/g, "");
  let addresses;
  if (isIP(host)) addresses = [{ address: host, family: isIP(host) }];
  else {
    try {
      addresses = await (opts.resolve ?? ((h) => lookup(h, { all: true, verbatim: true })))(host);
    } catch (err) {
      throw fail(`host ${host} could not be resolved`, err);
    }
  }
  if (addresses.length === 0) throw fail(`host ${host} has no addresses`);
  if (!opts.allowPrivateAddresses) {
    for (const a of addresses) {
      const reason = forbiddenAddressReason(a.address);
      if (reason) throw fail(`host ${host} resolves to ${a.address}, a ${reason} address, which is never fetched`);
    }
  }
  return addresses[0];
}
function isJson(contentType) {
  const type = (contentType ?? "").split(";")[0].trim().toLowerCase();
  return type === "application/json" || /^application\/[a-z0-9.+-]+\+json$/.test(type);
}
async function fetchMetadataDocument(rawUrl, opts) {
  const url = new URL(rawUrl);
  const plainHttpAllowed = opts.allowPrivateAddresses && LOOPBACK_NAMES.has(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && plainHttpAllowed)) throw fail("URL must use https");
  const target = await resolvePublicAddress(url, opts);
  const maxBytes = opts.maxBytes ?? CIMD_MAX_BYTES;
  const timeoutMs = opts.timeoutMs ?? CIMD_TIMEOUT_MS;
  const pinned = (_host, options, callback) => {
    if (options.all) callback(null, [target]);
    else callback(null, target.address, target.family);
  };
  const signal = AbortSignal.timeout(timeoutMs);
  const body = await new Promise((resolve, reject) => {
    let settled = false;
    const settle = (err, value2) => {
      if (settled) return;
      settled = true;
      if (err) reject(err);
      else resolve(value2);
    };
    const broken = (err) => settle(
      signal.aborted ? fail(`took longer than ${timeoutMs} ms`, err) : fail(`could not be fetched (${err?.code ?? err?.message ?? "connection closed"})`, err)
    );
    const client = url.protocol === "https:" ? https : http;
    const req = client.request(
      url,
      {
        method: "GET",
        headers: { accept: "application/json", "user-agent": "oauth-mcp (client metadata fetch)" },
        lookup: pinned,
        agent: false,
        signal
      },
      (res) => {
        const refuse = (why) => {
          settle(fail(why));
          res.destroy();
        };
        const status = res.statusCode ?? 0;
        if (status >= 300 && status < 400) return refuse(`answered a redirect (HTTP ${status}); redirects are not followed`);
        if (status !== 200) return refuse(`answered HTTP ${status}`);
        if (!isJson(res.headers["content-type"])) return refuse(`has content type ${JSON.stringify(res.headers["content-type"] ?? "")}; application/json is required`);
        if (Number(res.headers["content-length"] ?? 0) > maxBytes) return refuse(`is larger than ${maxBytes} bytes`);
        const chunks = [];
        let size = 0;
        res.on("data", (chunk) => {
          size += chunk.length;
          if (size > maxBytes) refuse(`is larger than ${maxBytes} bytes`);
          else chunks.push(chunk);
        });
        res.on("end", () => settle(null, { text: Buffer.concat(chunks).toString("utf8"), cacheControl: res.headers["cache-control"] }));
        res.on("error", broken);
        res.on("aborted", () => broken());
      }
    );
    req.on("error", broken);
    req.end();
  });
  try {
    return { document: JSON.parse(body.text), cacheControl: body.cacheControl };
  } catch (err) {
    throw fail("is not valid JSON", err);
  }
}

// src/auth-server/cimd.ts
var CIMD_DEFAULT_TTL_SECONDS = 5 * 60;
var CIMD_MAX_TTL_SECONDS = 24 * 3600;
function isClientIdMetadataUrl(clientId, allowLoopbackHttp = false) {
  let url;
  try {
    url = new URL(clientId);
  } catch {
    return false;
  }
  const loopbackHttp = allowLoopbackHttp && url.protocol === "http:" && ["127.0.0.1", "[::1]", "localhost"].includes(url.hostname);
  if (url.protocol !== "https:" && !loopbackHttp) return false;
  if (url.pathname === "/" || url.hash || clientId.includes("#") || url.username || url.password) return false;
  return url.href === clientId;
}
function cacheLifetime(cacheControl) {
  if (!cacheControl) return CIMD_DEFAULT_TTL_SECONDS;
  const directives = cacheControl.toLowerCase().split(",").map((d) => d.trim());
  if (directives.some((d) => d === "no-store" || d === "no-cache")) return 0;
  const maxAge = directives.map((d) => /^max-age="?(\d+)"?$/.exec(d)).find((m) => m !== null);
  if (maxAge) return Math.min(Number(maxAge[1]), CIMD_MAX_TTL_SECONDS);
  return CIMD_DEFAULT_TTL_SECONDS;
}
var documentSchema = z3.object({
  client_id: z3.string({ error: "is required and must be a string" }),
  ...protocolMetadataShape,
  token_endpoint_auth_method: z3.string({ error: "must be a string" }).optional(),
  client_secret: z3.unknown().optional(),
  ...descriptiveMetadataShape
});
function clientFromMetadataDocument(url, document, now) {
  const bad = (why) => new OAuthError("invalid_client", `client metadata document ${url}: ${why}`);
  if (typeof document !== "object" || document === null || Array.isArray(document)) throw bad("must be a JSON object");
  const parsed = documentSchema.safeParse(document);
  if (!parsed.success) throw bad(describeIssues(parsed.error));
  const d = parsed.data;
  if (d.client_id !== url) throw bad(`client_id ${JSON.stringify(d.client_id)} does not equal the document URL`);
  const method = d.token_endpoint_auth_method ?? "none";
  if (method !== "none") throw bad(`token_endpoint_auth_method ${JSON.stringify(method)} is not supported; use none`);
  if (d.client_secret !== void 0) throw bad("must not contain client_secret");
  let types2;
  const redirectUris = [...new Set(d.redirect_uris ?? [])];
  try {
    types2 = resolveGrantTypes(d.grant_types, d.response_types, false);
    assertRedirectUris(redirectUris, types2.grantTypes);
  } catch (err) {
    if (err instanceof OAuthError) throw bad(err.description);
    throw err;
  }
  return {
    clientId: url,
    clientSecretHash: null,
    clientName: d.client_name ?? null,
    redirectUris,
    grantTypes: types2.grantTypes,
    responseTypes: types2.responseTypes,
    tokenEndpointAuthMethod: "none",
    scope: acceptedClientScope(d.scope),
    applicationType: d.application_type ?? "web",
    metadata: pickDescriptive(d),
    createdAt: now,
    lastUsedAt: null
  };
}
var ClientMetadataCache = class {
  constructor(maxEntries = 500) {
    this.maxEntries = maxEntries;
  }
  maxEntries;
  entries = /* @__PURE__ */ new Map();
  inflight = /* @__PURE__ */ new Map();
  get(url, now) {
    const hit = this.entries.get(url);
    if (hit && hit.expiresAt > now) return hit.client;
    if (hit) this.entries.delete(url);
    return void 0;
  }
  set(url, client, expiresAt) {
    this.entries.delete(url);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value);
    this.entries.set(url, { client, expiresAt });
  }
  /** Shares one fetch between concurrent requests for the same document. */
  async once(url, load) {
    const pending = this.inflight.get(url);
    if (pending) return pending;
    const p = load().finally(() => this.inflight.delete(url));
    this.inflight.set(url, p);
    return p;
  }
  get size() {
    return this.entries.size;
  }
};
async function resolveMetadataClient(deps, url, cache) {
  const cached = cache.get(url, deps.clock());
  if (cached) return cached;
  return cache.once(url, async () => {
    let fetched;
    if (deps.fetchClientMetadata) {
      try {
        fetched = { document: await deps.fetchClientMetadata(url), cacheControl: void 0 };
      } catch (err) {
        if (err instanceof OAuthError) throw err;
        throw new OAuthError("invalid_client", "client metadata document could not be fetched", { cause: err });
      }
    } else {
      fetched = await fetchMetadataDocument(url, { allowPrivateAddresses: deps.config.cimdAllowPrivateAddresses });
    }
    const now = deps.clock();
    const client = clientFromMetadataDocument(url, fetched.document, now);
    const ttl = cacheLifetime(fetched.cacheControl);
    if (ttl > 0) cache.set(url, client, now + ttl);
    deps.logger.info({ event: "client_metadata_fetched", clientId: url, ttl }, "client metadata document fetched");
    return client;
  });
}

// src/auth-server/clients.ts
async function findClient(deps, clientId) {
  if (isClientIdMetadataUrl(clientId, deps.config.cimdAllowPrivateAddresses)) {
    deps.clientMetadataCache ??= new ClientMetadataCache();
    return resolveMetadataClient(deps, clientId, deps.clientMetadataCache);
  }
  return deps.store.getClient(clientId);
}

// src/auth-server/authorize-request.ts
function defaultResource(deps) {
  return canonicalResource(`${deps.config.mcpServer.url}/mcp/v1`);
}
var valuesOf = (params, name2) => params.getAll(name2).filter((v) => v !== "");
var page = (error, description, status = 400) => ({ ok: false, kind: "page", status, error, description });
var shorten2 = (s) => s.length > 200 ? `${s.slice(0, 200)}...` : s;
async function validateAuthorizationRequest(deps, params) {
  const clientIds = valuesOf(params, "client_id");
  if (clientIds.length === 0) return page("invalid_request", "The request has no client_id.");
  if (clientIds.length > 1) return page("invalid_request", "client_id is repeated (RFC 6749 \xA73.1).");
  let client;
  try {
    client = await findClient(deps, clientIds[0]);
  } catch (err) {
    if (err instanceof OAuthError) return page(err.code, err.description, err.status >= 500 ? err.status : 400);
    throw err;
  }
  if (!client) return page("invalid_client", `Unknown client_id ${JSON.stringify(shorten2(clientIds[0]))}.`);
  const redirectUris = valuesOf(params, "redirect_uri");
  if (redirectUris.length > 1) return page("invalid_request", "redirect_uri is repeated (RFC 6749 \xA73.1).");
  let redirectUri;
  if (redirectUris.length === 1) {
    const asked = redirectUris[0];
    if (!client.redirectUris.some((registered) => redirectUriMatches(registered, asked))) {
      return page("invalid_request", `redirect_uri ${JSON.stringify(shorten2(asked))} is not registered for this client.`);
    }
    redirectUri = asked;
  } else if (client.redirectUris.length === 1) {
    redirectUri = client.redirectUris[0];
  } else {
    return page("invalid_request", "The request has no redirect_uri, and the client did not register exactly one.");
  }
  const state = valuesOf(params, "state")[0];
  const fail2 = (code, description) => ({
    ok: false,
    kind: "redirect",
    redirectUri,
    state,
    error: new OAuthError(code, description)
  });
  for (const name2 of new Set(params.keys())) {
    if (name2 !== "resource" && valuesOf(params, name2).length > 1) return fail2("invalid_request", `${name2} is repeated (RFC 6749 \xA73.1)`);
  }
  if (!client.grantTypes.includes("authorization_code")) {
    return fail2("unauthorized_client", "this client is not registered for the authorization_code grant");
  }
  const responseType = valuesOf(params, "response_type")[0];
  if (responseType === void 0) return fail2("invalid_request", "response_type is missing");
  if (responseType !== "code") return fail2("unsupported_response_type", "only response_type=code is supported (OAuth 2.1)");
  const codeChallenge = valuesOf(params, "code_challenge")[0];
  if (codeChallenge === void 0) return fail2("invalid_request", "code_challenge is required (PKCE with S256)");
  const method = valuesOf(params, "code_challenge_method")[0];
  if (method !== "S256") {
    return fail2("invalid_request", method === void 0 ? "code_challenge_method is required and must be S256" : `code_challenge_method ${method} is not supported; use S256`);
  }
  if (!isValidS256Challenge(codeChallenge)) return fail2("invalid_request", "code_challenge must be 43 base64url characters (RFC 7636 \xA74.2)");
  const resources = valuesOf(params, "resource");
  let resource = defaultResource(deps);
  if (resources.length > 1) return fail2("invalid_target", "tokens are issued for one resource at a time; send one resource parameter");
  if (resources.length === 1) {
    const canonical = canonicalResource(resources[0]);
    if (canonical === null) return fail2("invalid_target", "resource must be an absolute http(s) URI without a fragment");
    if (new URL(canonical).origin !== new URL(deps.config.mcpServer.url).origin) {
      return fail2("invalid_target", `resource ${canonical} is not served by this authorization server's MCP server`);
    }
    resource = canonical;
  }
  const scopeParam = valuesOf(params, "scope")[0];
  const known = resolveRequestedScopes(scopeParam);
  const scopes = resolveRequestedScopes(known.length > 0 ? scopeParam : void 0);
  deps.logger.info({ event: "authorize_request", clientId: client.clientId, redirectUri, resource, scope: scopes.join(" ") }, "authorization request accepted");
  return { ok: true, request: { client, redirectUri, state, codeChallenge, scopes, resource } };
}

// src/auth-server/demo.ts
var DEMO_USER_ID = "demo-user";
var DEMO_REDIRECT_URIS = ["http://127.0.0.1/callback", "http://localhost/callback", "http://localhost:8080/callback"];
async function createOnce(read, create) {
  const existing = await read();
  if (existing) return existing;
  try {
    await create();
  } catch (err) {
    const raced = await read();
    if (raced) return raced;
    throw err;
  }
  return await read();
}
async function seedDemo(deps) {
  const { config, store, clock: clock2 } = deps;
  if (!config.demo.enabled) return;
  const now = clock2();
  await createOnce(
    () => store.getUserByUsername(config.demo.username),
    () => store.createUser({ id: DEMO_USER_ID, username: config.demo.username, passwordHash: null, isAdmin: true, createdAt: now })
  );
  const secretHash = sha256(config.demo.clientSecret);
  const client = await createOnce(
    () => store.getClient(config.demo.clientId),
    () => store.createClient({
      clientId: config.demo.clientId,
      clientSecretHash: secretHash,
      clientName: "Demo client",
      redirectUris: DEMO_REDIRECT_URIS,
      grantTypes: ["authorization_code", "refresh_token", "client_credentials"],
      responseTypes: ["code"],
      tokenEndpointAuthMethod: "client_secret_basic",
      scope: formatScope(DEFAULT_SCOPES),
      applicationType: "web",
      metadata: {},
      createdAt: now,
      lastUsedAt: null
    })
  );
  if (client.clientSecretHash === null || !constantTimeEqual(client.clientSecretHash, secretHash)) {
    await store.updateClientSecret(config.demo.clientId, secretHash);
    deps.logger.warn({ clientId: config.demo.clientId }, "demo client secret changed in the configuration; stored hash updated");
  }
}
async function demoSubject(deps) {
  return (await deps.store.getUserByUsername(deps.config.demo.username))?.id ?? DEMO_USER_ID;
}

// src/auth-server/error-page.ts
import { html, raw } from "hono/html";
var STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.4rem}code{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px;word-break:break-all}.note{color:#555;font-size:.9rem}`;
async function errorPage(status, error, description) {
  const body = await html`<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Authorization error</title>
    <style>${raw(STYLE)}</style>
  </head>
  <body>
    <main>
      <h1>This authorization request cannot be completed</h1>
      <p>${description}</p>
      <p>Error code: <code>${error}</code></p>
      <p class="note">You were not sent back to the application because its request could not be verified. Return to the
        application and try again; if this keeps happening, its developer needs the message above.</p>
    </main>
  </body>
</html>`;
  return new Response(body.toString(), {
    status,
    headers: { "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-store", "X-Frame-Options": "DENY" }
  });
}

// src/auth-server/interaction.ts
function demoInteraction(demoSubject2) {
  return {
    async decide(_c, request) {
      return { kind: "approved", subject: demoSubject2, scopes: request.scopes };
    }
  };
}

// src/auth-server/authorize.ts
function authorizationRedirect(deps, redirectUri, params) {
  const url = new URL(redirectUri);
  for (const [name2, value2] of Object.entries(params)) if (value2 !== void 0) url.searchParams.set(name2, value2);
  url.searchParams.set("iss", deps.config.authServer.issuer);
  return new Response(null, { status: 302, headers: { Location: url.href, "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" } });
}
function authorizationErrorRedirect(deps, redirectUri, state, error) {
  return authorizationRedirect(deps, redirectUri, { error: error.code, error_description: error.description, state });
}
async function authorizationFailure(deps, failure2) {
  if (failure2.kind === "page") {
    deps.logger.info({ event: "authorize_error_page", error: failure2.error, description: failure2.description }, "authorization request refused");
    return errorPage(failure2.status, failure2.error, failure2.description);
  }
  deps.logger.info({ event: "authorize_error_redirect", error: failure2.error.code, description: failure2.error.description }, "authorization request refused");
  return authorizationErrorRedirect(deps, failure2.redirectUri, failure2.state, failure2.error);
}
async function completeAuthorization(deps, request, outcome) {
  if (outcome.kind === "respond") return outcome.response;
  const deny = (description) => authorizationErrorRedirect(deps, request.redirectUri, request.state, new OAuthError("access_denied", description));
  if (outcome.kind === "denied") {
    deps.logger.info({ event: "authorize_denied", clientId: request.client.clientId }, "authorization denied");
    return deny("the user denied the request");
  }
  const scopes = request.scopes.filter((s) => outcome.scopes.includes(s));
  if (scopes.length === 0) return deny("no scope was approved");
  const now = deps.clock();
  const grantId = randomToken(16);
  const scope = formatScope(scopes);
  await deps.store.createGrant({
    id: grantId,
    clientId: request.client.clientId,
    subject: outcome.subject,
    scope,
    resource: request.resource,
    createdAt: now,
    lastUsedAt: null,
    revokedAt: null
  });
  const code = randomToken();
  await deps.store.insertCode({
    codeHash: sha256(code),
    grantId,
    clientId: request.client.clientId,
    subject: outcome.subject,
    redirectUri: request.redirectUri,
    codeChallenge: request.codeChallenge,
    scope,
    resource: request.resource,
    expiresAt: now + deps.config.ttl.authorizationCode,
    usedAt: null,
    createdAt: now
  });
  deps.logger.info({ event: "authorize_code_issued", clientId: request.client.clientId, grantId, subject: outcome.subject, scope }, "authorization code issued");
  return authorizationRedirect(deps, request.redirectUri, { code, state: request.state });
}
var FORM = /^application\/x-www-form-urlencoded\s*(;|$)/i;
function authorizeRoute(deps) {
  const app = new Hono();
  const handle = async (c, params) => {
    const validation = await validateAuthorizationRequest(deps, params);
    if (!validation.ok) return authorizationFailure(deps, validation);
    const interaction = deps.interaction ?? (deps.config.demo.enabled ? demoInteraction(await demoSubject(deps)) : void 0);
    if (!interaction) {
      return errorPage(503, "temporarily_unavailable", "Sign-in is not configured on this server, so no one can approve this request.");
    }
    return completeAuthorization(deps, validation.request, await interaction.decide(c, validation.request));
  };
  const limit = rateLimit(deps.rateLimits.authorize, deps.config.trustedProxies);
  app.get("/oauth/authorize", limit, (c) => handle(c, new URL(c.req.url).searchParams));
  app.post("/oauth/authorize", limit, async (c) => {
    if (!FORM.test(c.req.header("content-type") ?? "")) {
      return errorPage(415, "invalid_request", "A POST to the authorization endpoint must be form-encoded (application/x-www-form-urlencoded).");
    }
    return handle(c, new URLSearchParams(await c.req.text()));
  });
  return app;
}

// src/auth-server/health.ts
import { Hono as Hono2 } from "hono";
function healthRoute(deps) {
  const app = new Hono2();
  app.get("/health", async (c) => {
    try {
      await deps.store.ping();
      return c.json({ status: "healthy", service: "oauth-server", database: deps.store.dialect, demo_mode: deps.config.demo.enabled });
    } catch (err) {
      deps.logger.error({ err }, "health check: database unreachable");
      return c.json({ status: "unhealthy", service: "oauth-server", database: "unreachable" }, 503);
    }
  });
  return app;
}

// src/auth-server/introspect.ts
import { Hono as Hono3 } from "hono";

// src/auth-server/client-auth.ts
var BASIC_CHALLENGE = { "WWW-Authenticate": 'Basic realm="oauth-mcp"' };
function failure(basic, cause) {
  return new OAuthError("invalid_client", "client authentication failed", {
    cause: new Error(cause),
    ...basic && { headers: BASIC_CHALLENGE }
  });
}
function parseBasicAuthorization(header) {
  if (!header) return null;
  const match = /^basic[ \t]+([A-Za-z0-9+/=_-]*)[ \t]*$/i.exec(header);
  if (!match) {
    if (/^basic\b/i.test(header)) throw failure(true, "malformed Basic credentials");
    return null;
  }
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 1) throw failure(true, "malformed Basic credentials");
  try {
    const decode = (s) => decodeURIComponent(s.replace(/\+/g, " "));
    return { clientId: decode(decoded.slice(0, colon)), secret: decode(decoded.slice(colon + 1)) };
  } catch {
    throw failure(true, "malformed Basic credentials");
  }
}
async function authenticateClient(deps, authorization, params) {
  const basic = parseBasicAuthorization(authorization);
  const postSecret = params.client_secret;
  if (basic && postSecret !== void 0) {
    throw new OAuthError("invalid_request", "use only one client authentication method");
  }
  if (basic && params.client_id !== void 0 && params.client_id !== basic.clientId) {
    throw new OAuthError("invalid_request", "client_id does not match the authenticated client");
  }
  const method = basic ? "client_secret_basic" : postSecret !== void 0 ? "client_secret_post" : "none";
  const clientId = basic?.clientId ?? params.client_id;
  if (clientId === void 0) throw failure(false, "no client identification");
  const client = await findClient(deps, clientId);
  if (!client) throw failure(basic !== null, `unknown client ${clientId}`);
  const secretMethods = ["client_secret_basic", "client_secret_post"];
  const sameKind = client.tokenEndpointAuthMethod === method || secretMethods.includes(client.tokenEndpointAuthMethod) && secretMethods.includes(method);
  if (!sameKind) {
    throw failure(basic !== null, `client ${clientId} registered ${client.tokenEndpointAuthMethod} but used ${method}`);
  }
  if (method !== "none") {
    const secret = basic?.secret ?? postSecret;
    if (client.clientSecretHash === null || !constantTimeEqual(sha256(secret), client.clientSecretHash)) {
      throw failure(basic !== null, `wrong secret for client ${clientId}`);
    }
  }
  return { client, method };
}

// src/auth-server/form.ts
function decodeFormComponent(raw2) {
  return decodeURIComponent(raw2.replace(/\+/g, " "));
}
async function readForm(c) {
  const contentType = (c.req.header("content-type") ?? "").split(";")[0].trim().toLowerCase();
  if (contentType !== "application/x-www-form-urlencoded") {
    throw new OAuthError("invalid_request", "the request body must be application/x-www-form-urlencoded");
  }
  const body = await c.req.text();
  const params = /* @__PURE__ */ Object.create(null);
  const seen = /* @__PURE__ */ new Set();
  for (const pair of body.split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    let name2;
    let value2;
    try {
      name2 = decodeFormComponent(eq === -1 ? pair : pair.slice(0, eq));
      value2 = decodeFormComponent(eq === -1 ? "" : pair.slice(eq + 1));
    } catch {
      throw new OAuthError("invalid_request", "the request body is not valid form encoding");
    }
    if (seen.has(name2)) {
      if (name2 === "resource") throw new OAuthError("invalid_target", "only one resource per request is supported");
      throw new OAuthError("invalid_request", `parameter ${name2.slice(0, 40)} is repeated`);
    }
    seen.add(name2);
    if (value2 !== "") params[name2] = value2;
  }
  return params;
}

// src/auth-server/no-store.ts
function noStore() {
  return async (c, next) => {
    await next();
    c.res.headers.set("Cache-Control", "no-store");
    c.res.headers.set("Pragma", "no-cache");
  };
}

// src/auth-server/own-tokens.ts
import { createLocalJWKSet as createLocalJWKSet2, jwtVerify as jwtVerify2 } from "jose";
import { createHmac } from "node:crypto";

// src/auth-server/access-token.ts
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";
var ACCESS_TOKEN_TYP = "at+jwt";
async function mintAccessToken(deps, req) {
  const key = deps.keys.signingKey();
  const issuedAt = deps.clock();
  const expiresIn = deps.config.ttl.accessToken;
  const expiresAt = issuedAt + expiresIn;
  const jti = randomUUID();
  const claims = { client_id: req.clientId, scope: req.scopes.join(" ") };
  if (req.grantId) claims.grant_id = req.grantId;
  const token = await new SignJWT(claims).setProtectedHeader({ alg: key.alg, typ: ACCESS_TOKEN_TYP, kid: key.kid }).setIssuer(deps.config.authServer.issuer).setSubject(req.subject).setAudience(req.resource).setIssuedAt(issuedAt).setExpirationTime(expiresAt).setJti(jti).sign(key.privateKey);
  return { token, jti, issuedAt, expiresAt, expiresIn };
}
function tokenResponseBody(access, scopes, refreshToken) {
  return {
    access_token: access.token,
    token_type: "Bearer",
    expires_in: access.expiresIn,
    scope: scopes.join(" "),
    ...refreshToken !== void 0 && { refresh_token: refreshToken }
  };
}

// src/auth-server/own-tokens.ts
function looksLikeJwt(token) {
  return token.split(".").length === 3;
}
async function verifyOwnAccessToken(deps, token) {
  if (!looksLikeJwt(token)) return null;
  try {
    const { payload } = await jwtVerify2(token, createLocalJWKSet2(deps.keys.jwks()), {
      issuer: deps.config.authServer.issuer,
      typ: ACCESS_TOKEN_TYP,
      algorithms: [SIGNING_ALG],
      currentDate: new Date(deps.clock() * 1e3),
      requiredClaims: ["sub", "aud", "exp", "iat", "jti", "client_id"]
    });
    if (typeof payload.client_id !== "string" || typeof payload.jti !== "string") return null;
    return payload;
  } catch {
    return null;
  }
}
async function isAccessTokenLive(deps, claims) {
  if (await deps.store.isAccessTokenRevoked(claims.jti)) return false;
  if (claims.grant_id !== void 0) {
    const grant = await deps.store.getGrant(claims.grant_id);
    if (!grant || grant.revokedAt !== null) return false;
  }
  return true;
}
function successorRefreshToken(rotationKey, token) {
  return createHmac("sha256", rotationKey).update(token, "utf8").digest("base64url");
}
async function lookupRefreshToken(deps, token) {
  const record = await deps.store.getRefreshToken(sha256(token));
  if (!record) return { active: false, record };
  const now = deps.clock();
  if (record.revokedAt !== null || record.expiresAt <= now) return { active: false, record };
  if (record.rotatedAt !== null && now - record.rotatedAt >= deps.config.ttl.refreshGrace) return { active: false, record };
  const grant = await deps.store.getGrant(record.grantId);
  if (!grant || grant.revokedAt !== null) return { active: false, record };
  return { active: true, record };
}

// src/auth-server/introspect.ts
async function introspect(deps, token) {
  const claims = await verifyOwnAccessToken(deps, token);
  if (claims) {
    if (!await isAccessTokenLive(deps, claims)) return { active: false };
    return {
      active: true,
      token_type: "Bearer",
      scope: claims.scope,
      client_id: claims.client_id,
      sub: claims.sub,
      aud: claims.aud,
      iss: claims.iss,
      exp: claims.exp,
      iat: claims.iat,
      jti: claims.jti
    };
  }
  const refresh = await lookupRefreshToken(deps, token);
  if (!refresh.active) return { active: false };
  const r = refresh.record;
  return {
    active: true,
    scope: r.scope,
    client_id: r.clientId,
    sub: r.subject,
    aud: r.resource,
    iss: deps.config.authServer.issuer,
    exp: r.expiresAt,
    iat: r.createdAt
  };
}
function introspectRoute(deps) {
  const app = new Hono3();
  app.use("/oauth/introspect", noStore());
  app.post("/oauth/introspect", rateLimit(deps.rateLimits.token, deps.config.trustedProxies), async (c) => {
    const params = await readForm(c);
    const { client, method } = await authenticateClient(deps, c.req.header("authorization"), params);
    if (method === "none") {
      throw new OAuthError("invalid_client", "introspection requires a confidential client", {
        cause: new Error(`public client ${client.clientId}`)
      });
    }
    const token = params.token;
    if (token === void 0) throw new OAuthError("invalid_request", "token is required");
    return c.json(await introspect(deps, token), 200);
  });
  return app;
}

// src/auth-server/jwks.ts
import { Hono as Hono4 } from "hono";
function jwksRoute(deps) {
  const app = new Hono4();
  app.get("/.well-known/jwks.json", (c) => c.json(deps.keys.jwks(), 200, { "Cache-Control": "public, max-age=60" }));
  return app;
}

// src/auth-server/metadata.ts
import { Hono as Hono5 } from "hono";
function authorizationServerMetadata(issuer) {
  return {
    issuer,
    authorization_endpoint: `${issuer}/oauth/authorize`,
    token_endpoint: `${issuer}/oauth/token`,
    registration_endpoint: `${issuer}/oauth/register`,
    revocation_endpoint: `${issuer}/oauth/revoke`,
    introspection_endpoint: `${issuer}/oauth/introspect`,
    jwks_uri: `${issuer}/.well-known/jwks.json`,
    scopes_supported: SUPPORTED_SCOPES,
    response_types_supported: ["code"],
    response_modes_supported: ["query"],
    grant_types_supported: ["authorization_code", "refresh_token", "client_credentials"],
    token_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
    revocation_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post", "none"],
    introspection_endpoint_auth_methods_supported: ["client_secret_basic", "client_secret_post"],
    code_challenge_methods_supported: ["S256"],
    authorization_response_iss_parameter_supported: true,
    client_id_metadata_document_supported: true,
    // OpenID discovery requires these fields; this server issues no ID tokens, so it lists only what is true.
    subject_types_supported: ["public"],
    id_token_signing_alg_values_supported: ["ES256"],
    service_documentation: `${issuer}/`
  };
}
function metadataRoutes(deps) {
  const app = new Hono5();
  const doc = authorizationServerMetadata(deps.config.authServer.issuer);
  const serve2 = (c) => c.json(doc, 200, { "Cache-Control": "public, max-age=300" });
  app.get("/.well-known/oauth-authorization-server", serve2);
  app.get("/.well-known/openid-configuration", serve2);
  return app;
}

// src/auth-server/register.ts
import { Hono as Hono6 } from "hono";
import { z as z4 } from "zod";
var AUTH_METHODS = ["none", "client_secret_basic", "client_secret_post"];
var registrationSchema = z4.object({
  ...protocolMetadataShape,
  token_endpoint_auth_method: z4.enum(AUTH_METHODS, { error: (iss) => `unsupported value ${JSON.stringify(iss.input)}; supported: ${AUTH_METHODS.join(", ")}` }).optional(),
  ...descriptiveMetadataShape
});
async function readJsonObject(c) {
  const contentType = c.req.header("content-type") ?? "";
  if (!/^application\/json\s*(;|$)/i.test(contentType)) {
    throw new OAuthError("invalid_request", "registration requests must have Content-Type application/json (RFC 7591 \xA73.1)", { status: 415 });
  }
  const raw2 = await c.req.text();
  let body;
  try {
    body = JSON.parse(raw2);
  } catch {
    throw new OAuthError("invalid_client_metadata", "request body is not valid JSON");
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new OAuthError("invalid_client_metadata", "request body must be a JSON object of client metadata");
  }
  return body;
}
function registerRoute(deps) {
  const app = new Hono6();
  app.post("/oauth/register", rateLimit(deps.rateLimits.register, deps.config.trustedProxies), async (c) => {
    const parsed = registrationSchema.safeParse(await readJsonObject(c));
    if (!parsed.success) throw new OAuthError("invalid_client_metadata", describeIssues(parsed.error));
    const m = parsed.data;
    const authMethod = m.token_endpoint_auth_method ?? "client_secret_basic";
    const confidential = authMethod !== "none";
    const { grantTypes, responseTypes } = resolveGrantTypes(m.grant_types, m.response_types, confidential);
    const redirectUris = [...new Set(m.redirect_uris ?? [])];
    assertRedirectUris(redirectUris, grantTypes);
    const now = deps.clock();
    const clientId = randomToken(16);
    const clientSecret = confidential ? randomToken(32) : void 0;
    const metadata = pickDescriptive(m);
    const client = {
      clientId,
      // Style rule 8: store the hash, never the secret.
      clientSecretHash: clientSecret === void 0 ? null : sha256(clientSecret),
      clientName: m.client_name ?? null,
      redirectUris,
      grantTypes,
      responseTypes,
      tokenEndpointAuthMethod: authMethod,
      scope: acceptedClientScope(m.scope),
      // OpenID Connect Dynamic Client Registration §2: application_type defaults to web.
      applicationType: m.application_type ?? "web",
      metadata,
      createdAt: now,
      lastUsedAt: null
    };
    await deps.store.createClient(client);
    deps.logger.info(
      { event: "client_registered", clientId, clientName: client.clientName, authMethod, redirectUris, grantTypes },
      "client registered"
    );
    const body = {
      client_id: clientId,
      ...clientSecret !== void 0 && { client_secret: clientSecret, client_secret_expires_at: 0 },
      client_id_issued_at: now,
      ...client.clientName !== null && { client_name: client.clientName },
      redirect_uris: redirectUris,
      grant_types: grantTypes,
      response_types: responseTypes,
      token_endpoint_auth_method: authMethod,
      scope: client.scope,
      application_type: client.applicationType,
      ...metadata
    };
    return c.json(body, 201, { "Cache-Control": "no-store", Pragma: "no-cache" });
  });
  return app;
}

// src/auth-server/revoke.ts
import { Hono as Hono7 } from "hono";
async function revokeRefreshToken(deps, client, token) {
  const record = await deps.store.getRefreshToken(sha256(token));
  if (!record) return false;
  if (record.clientId !== client.clientId) return true;
  await deps.store.revokeGrant(record.grantId, deps.clock());
  deps.logger.info({ clientId: client.clientId, grantId: record.grantId }, "refresh token revoked: grant revoked");
  return true;
}
async function revokeAccessToken(deps, client, token) {
  const claims = await verifyOwnAccessToken(deps, token);
  if (!claims) return false;
  if (claims.client_id !== client.clientId) return true;
  await deps.store.revokeAccessToken(claims.jti, claims.exp);
  deps.logger.info({ clientId: client.clientId, jti: claims.jti }, "access token revoked");
  return true;
}
function revokeRoute(deps) {
  const app = new Hono7();
  app.use("/oauth/revoke", noStore());
  app.post("/oauth/revoke", rateLimit(deps.rateLimits.token, deps.config.trustedProxies), async (c) => {
    const params = await readForm(c);
    const { client } = await authenticateClient(deps, c.req.header("authorization"), params);
    const token = params.token;
    if (token === void 0) throw new OAuthError("invalid_request", "token is required");
    const accessFirst = params.token_type_hint === "access_token" || params.token_type_hint !== "refresh_token" && looksLikeJwt(token);
    const order = accessFirst ? [revokeAccessToken, revokeRefreshToken] : [revokeRefreshToken, revokeAccessToken];
    for (const attempt of order) {
      if (await attempt(deps, client, token)) break;
    }
    return c.body(null, 200);
  });
  return app;
}

// src/auth-server/token.ts
import { Hono as Hono8 } from "hono";

// src/auth-server/grants/authorization-code.ts
import { randomUUID as randomUUID2 } from "node:crypto";

// src/auth-server/grants/refresh-token.ts
async function issueRefreshToken(deps, binding) {
  const token = randomToken();
  const now = deps.clock();
  await deps.store.insertRefreshToken({
    ...binding,
    tokenHash: sha256(token),
    expiresAt: now + deps.config.ttl.refreshToken,
    rotatedAt: null,
    revokedAt: null,
    createdAt: now
  });
  return token;
}
function narrowScopes(granted, requested) {
  if (requested === void 0) return [...granted];
  const asked = parseScope(requested).filter((s) => SUPPORTED_SCOPES.includes(s));
  const broader = asked.filter((s) => !granted.includes(s));
  if (broader.length > 0) throw new OAuthError("invalid_scope", `scope ${broader.join(" ")} was not granted`);
  return asked.length > 0 ? granted.filter((s) => asked.includes(s)) : [...granted];
}
function refreshTokenGrant(deps) {
  const rotationKey = deriveKey(deps.config.secretKey, "refresh-rotation");
  async function ensureSuccessor(old, rotatedAt, successor) {
    const row = {
      tokenHash: sha256(successor),
      grantId: old.grantId,
      clientId: old.clientId,
      subject: old.subject,
      scope: old.scope,
      resource: old.resource,
      expiresAt: rotatedAt + deps.config.ttl.refreshToken,
      rotatedAt: null,
      revokedAt: null,
      createdAt: rotatedAt
    };
    await deps.store.insertRefreshTokenIfAbsent(row);
    return await deps.store.getRefreshToken(row.tokenHash) ?? row;
  }
  return async (client, params) => {
    const token = params.refresh_token;
    if (token === void 0) throw new OAuthError("invalid_request", "refresh_token is required");
    const now = deps.clock();
    const hash = sha256(token);
    const record = await deps.store.getRefreshToken(hash);
    if (!record) throw new OAuthError("invalid_grant", "unknown refresh token");
    if (record.clientId !== client.clientId) {
      throw new OAuthError("invalid_grant", "refresh token was issued to another client", { cause: new Error(`client ${client.clientId}`) });
    }
    if (record.revokedAt !== null) throw new OAuthError("invalid_grant", "refresh token has been revoked");
    if (record.expiresAt <= now) throw new OAuthError("invalid_grant", "refresh token has expired");
    const grant = await deps.store.getGrant(record.grantId);
    if (!grant || grant.revokedAt !== null) throw new OAuthError("invalid_grant", "the grant behind this refresh token has been revoked");
    const scopes = narrowScopes(parseScope(record.scope), params.scope);
    if (params.resource !== void 0) {
      const resource = canonicalResource(params.resource);
      if (resource !== record.resource) throw new OAuthError("invalid_target", "resource differs from the one this refresh token was issued for");
    }
    const successor = successorRefreshToken(rotationKey, token);
    let successorRecord;
    if (await deps.store.markRefreshTokenRotated(hash, now)) {
      successorRecord = await ensureSuccessor(record, now, successor);
    } else {
      const current = await deps.store.getRefreshToken(hash);
      if (!current || current.revokedAt !== null || current.rotatedAt === null) {
        throw new OAuthError("invalid_grant", "refresh token has been revoked");
      }
      if (now - current.rotatedAt >= deps.config.ttl.refreshGrace) {
        await deps.store.revokeGrant(record.grantId, now);
        deps.logger.warn({ clientId: client.clientId, grantId: record.grantId }, "refresh token reused after rotation: grant revoked");
        throw new OAuthError("invalid_grant", "refresh token was already used; the grant has been revoked");
      }
      successorRecord = await ensureSuccessor(record, current.rotatedAt, successor);
    }
    if (successorRecord.revokedAt !== null) throw new OAuthError("invalid_grant", "refresh token has been revoked");
    await Promise.all([deps.store.touchGrant(record.grantId, now), deps.store.touchClient(client.clientId, now)]);
    const access = await mintAccessToken(deps, {
      subject: record.subject,
      clientId: client.clientId,
      scopes,
      resource: record.resource,
      grantId: record.grantId
    });
    return tokenResponseBody(access, scopes, successor);
  };
}

// src/auth-server/grants/authorization-code.ts
var DEMO_SCOPES = ["read", "write"];
async function issueTokens(deps, client, binding) {
  const scopes = parseScope(binding.scope);
  const access = await mintAccessToken(deps, { ...binding, scopes });
  const refresh = client.grantTypes.includes("refresh_token") ? await issueRefreshToken(deps, binding) : void 0;
  return tokenResponseBody(access, scopes, refresh);
}
async function exchangeDemoCode(deps, client) {
  if (client.clientId !== deps.config.demo.clientId) throw new OAuthError("invalid_grant", "invalid authorization code");
  const now = deps.clock();
  const grant = {
    id: randomUUID2(),
    clientId: client.clientId,
    subject: await demoSubject(deps),
    scope: formatScope(DEMO_SCOPES),
    resource: `${deps.config.mcpServer.url}/mcp/v1`
  };
  await deps.store.createGrant({ ...grant, createdAt: now, lastUsedAt: now, revokedAt: null });
  await deps.store.touchClient(client.clientId, now);
  deps.logger.info({ clientId: client.clientId, grantId: grant.id }, "demo authorization code exchanged");
  return issueTokens(deps, client, { grantId: grant.id, clientId: client.clientId, subject: grant.subject, scope: grant.scope, resource: grant.resource });
}
function authorizationCodeGrant(deps) {
  return async (client, params) => {
    const code = params.code;
    if (code === void 0) throw new OAuthError("invalid_request", "code is required");
    if (deps.config.demo.enabled && code === deps.config.demo.authorizationCode) return exchangeDemoCode(deps, client);
    if (params.code_verifier === void 0) throw new OAuthError("invalid_request", "code_verifier is required");
    const now = deps.clock();
    const codeHash = sha256(code);
    const record = await deps.store.getCode(codeHash);
    if (!record) throw new OAuthError("invalid_grant", "invalid authorization code");
    if (record.usedAt !== null) {
      await deps.store.revokeGrant(record.grantId, now);
      deps.logger.warn({ clientId: client.clientId, grantId: record.grantId }, "authorization code replayed: grant revoked");
      throw new OAuthError("invalid_grant", "authorization code was already used");
    }
    if (record.expiresAt <= now) throw new OAuthError("invalid_grant", "authorization code has expired");
    if (record.clientId !== client.clientId) throw new OAuthError("invalid_grant", "authorization code was issued to another client");
    if (params.redirect_uri === void 0) {
      const onlyRegistered = client.redirectUris.length === 1 && client.redirectUris[0] === record.redirectUri;
      if (!onlyRegistered) throw new OAuthError("invalid_request", "redirect_uri is required");
    } else if (record.redirectUri !== params.redirect_uri) {
      throw new OAuthError("invalid_grant", "redirect_uri does not match the authorization request");
    }
    if (!verifyS256(params.code_verifier, record.codeChallenge)) throw new OAuthError("invalid_grant", "code_verifier does not match the code_challenge");
    if (params.resource !== void 0 && canonicalResource(params.resource) !== record.resource) {
      throw new OAuthError("invalid_target", "resource differs from the authorization request");
    }
    const grant = await deps.store.getGrant(record.grantId);
    if (!grant || grant.revokedAt !== null) throw new OAuthError("invalid_grant", "the grant behind this code has been revoked");
    const consumed = await deps.store.consumeCode(codeHash, now);
    if (consumed.status !== "ok") {
      await deps.store.revokeGrant(record.grantId, now);
      deps.logger.warn({ clientId: client.clientId, grantId: record.grantId }, "authorization code replayed concurrently: grant revoked");
      throw new OAuthError("invalid_grant", "authorization code was already used");
    }
    await Promise.all([deps.store.touchGrant(record.grantId, now), deps.store.touchClient(client.clientId, now)]);
    return issueTokens(deps, client, {
      grantId: record.grantId,
      clientId: client.clientId,
      subject: record.subject,
      scope: record.scope,
      resource: record.resource
    });
  };
}

// src/auth-server/grants/client-credentials.ts
function resolveResource(deps, requested) {
  const fallback = `${deps.config.mcpServer.url}/mcp/v1`;
  if (requested === void 0) return fallback;
  const resource = canonicalResource(requested);
  if (resource === null) throw new OAuthError("invalid_target", "resource must be an absolute http(s) URI without a fragment");
  if (new URL(resource).origin !== new URL(deps.config.mcpServer.url).origin) {
    throw new OAuthError("invalid_target", "resource is not served by this authorization server");
  }
  return resource;
}
function clientCredentialsGrant(deps) {
  return async (client, params) => {
    if (client.tokenEndpointAuthMethod === "none") {
      throw new OAuthError("unauthorized_client", "client_credentials is for confidential clients only");
    }
    const scopes = resolveRequestedScopes(params.scope, parseScope(client.scope));
    if (scopes.length === 0) throw new OAuthError("invalid_scope", "none of the requested scopes is allowed for this client");
    const resource = resolveResource(deps, params.resource);
    await deps.store.touchClient(client.clientId, deps.clock());
    const access = await mintAccessToken(deps, { subject: client.clientId, clientId: client.clientId, scopes, resource });
    return tokenResponseBody(access, scopes);
  };
}

// src/auth-server/token.ts
function tokenRoute(deps) {
  const grants = {
    authorization_code: authorizationCodeGrant(deps),
    refresh_token: refreshTokenGrant(deps),
    client_credentials: clientCredentialsGrant(deps)
  };
  const app = new Hono8();
  app.use("/oauth/token", noStore());
  app.post("/oauth/token", rateLimit(deps.rateLimits.token, deps.config.trustedProxies), async (c) => {
    const params = await readForm(c);
    const grantType = params.grant_type;
    if (grantType === void 0) throw new OAuthError("invalid_request", "grant_type is required");
    const grant = Object.hasOwn(grants, grantType) ? grants[grantType] : void 0;
    if (!grant) throw new OAuthError("unsupported_grant_type", `grant_type ${grantType.slice(0, 40)} is not supported`);
    const { client } = await authenticateClient(deps, c.req.header("authorization"), params);
    if (!client.grantTypes.includes(grantType)) {
      throw new OAuthError("unauthorized_client", `client is not registered for the ${grantType} grant`);
    }
    const body = await grant(client, params);
    deps.logger.info({ clientId: client.clientId, grantType }, "token issued");
    return c.json(body, 200);
  });
  return app;
}

// src/auth-server/app.ts
var MAX_BODY_BYTES = 64 * 1024;
function createAuthServerApp(deps) {
  const app = new Hono9();
  app.onError(errorHandler(deps.logger));
  app.notFound((c) => c.json({ error: "not_found", error_description: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.use("*", secureHeaders({ crossOriginResourcePolicy: false, xFrameOptions: "DENY" }));
  app.use(
    "*",
    bodyLimit({
      maxSize: MAX_BODY_BYTES,
      onError: () => {
        throw new OAuthError("invalid_request", `request body larger than ${MAX_BODY_BYTES} bytes`, { status: 413 });
      }
    })
  );
  for (const path of ["/.well-known/*", "/oauth/register", "/oauth/token", "/oauth/revoke", "/oauth/introspect"]) {
    app.use(path, publicCors());
  }
  app.route("/", metadataRoutes(deps));
  app.route("/", jwksRoute(deps));
  app.route("/", healthRoute(deps));
  app.route("/", registerRoute(deps));
  app.route("/", authorizeRoute(deps));
  app.route("/", tokenRoute(deps));
  app.route("/", revokeRoute(deps));
  app.route("/", introspectRoute(deps));
  return app;
}

// src/web/routes.ts
import { Hono as Hono14 } from "hono";

// src/users/users-service.ts
import { randomUUID as randomUUID3 } from "node:crypto";

// src/users/passwords.ts
import { randomBytes as randomBytes3, scrypt, timingSafeEqual as timingSafeEqual2 } from "node:crypto";
var DEFAULT_SCRYPT = { N: 2 ** 15, r: 8, p: 1 };
var KEY_BYTES = 32;
var SALT_BYTES = 16;
var MAX_N = 2 ** 20;
var MAX_RP = 64;
function derive(password, salt, params) {
  const options = { N: params.N, r: params.r, p: params.p, maxmem: 256 * params.N * params.r * params.p + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFC"), salt, KEY_BYTES, options, (err, key) => err ? reject(err) : resolve(key));
  });
}
async function hashPassword(password, params = DEFAULT_SCRYPT) {
  const salt = randomBytes3(SALT_BYTES);
  const key = await derive(password, salt, params);
  return ["scrypt", params.N, params.r, params.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}
function parse3(stored) {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return void 0;
  const [N, r, p] = parts.slice(1, 4).map(Number);
  const validN = Number.isInteger(N) && N > 1 && N <= MAX_N && (N & N - 1) === 0;
  if (!validN || !Number.isInteger(r) || !Number.isInteger(p) || r < 1 || p < 1 || r > MAX_RP || p > MAX_RP) return void 0;
  const salt = Buffer.from(parts[4], "base64url");
  const key = Buffer.from(parts[5], "base64url");
  if (salt.length < 8 || key.length < 16) return void 0;
  return { params: { N, r, p }, salt, key };
}
async function verifyPassword(password, stored) {
  const parsed = parse3(stored);
  if (!parsed) return false;
  const key = await derive(password, parsed.salt, parsed.params);
  return key.length === parsed.key.length && timingSafeEqual2(key, parsed.key);
}
function needsRehash(stored, params = DEFAULT_SCRYPT) {
  const parsed = parse3(stored);
  return !parsed || parsed.params.N < params.N || parsed.params.r < params.r || parsed.params.p < params.p;
}

// src/users/users-service.ts
var USERNAME = /^[A-Za-z0-9._@-]{1,64}$/;
var MIN_PASSWORD_LENGTH = 8;
var MAX_PASSWORD_LENGTH = 1024;
var UserError = class extends Error {
  name = "UserError";
};
function checkUsername(username) {
  if (!USERNAME.test(username)) throw new UserError('username: 1 to 64 characters of letters, digits, ".", "_", "@" or "-"');
}
function checkPassword(password) {
  if (password.length < MIN_PASSWORD_LENGTH) throw new UserError(`password: at least ${MIN_PASSWORD_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new UserError(`password: at most ${MAX_PASSWORD_LENGTH} characters`);
}
function createUsersService(deps) {
  const params = deps.scrypt ?? DEFAULT_SCRYPT;
  let dummyHash;
  const dummy = () => dummyHash ??= hashPassword(`no-such-user-${randomUUID3()}`, params);
  return {
    async add(username, password, opts = {}) {
      checkUsername(username);
      checkPassword(password);
      if (await deps.store.getUserByUsername(username)) throw new UserError(`user ${username} already exists`);
      const user = {
        id: randomUUID3(),
        username,
        passwordHash: await hashPassword(password, params),
        isAdmin: opts.isAdmin ?? false,
        createdAt: deps.clock()
      };
      await deps.store.createUser(user);
      return user;
    },
    list: () => deps.store.listUsers(),
    async remove(username) {
      const user = await deps.store.getUserByUsername(username);
      if (!user) return false;
      const now = deps.clock();
      for (const grant of await deps.store.listGrantsForSubject(user.id)) {
        if (grant.revokedAt === null) await deps.store.revokeGrant(grant.id, now);
      }
      return deps.store.deleteUser(user.id);
    },
    async setPassword(username, password) {
      checkPassword(password);
      const user = await deps.store.getUserByUsername(username);
      if (!user) return false;
      return deps.store.setUserPassword(user.id, await hashPassword(password, params));
    },
    async authenticate(username, password) {
      if (password.length > MAX_PASSWORD_LENGTH) return void 0;
      const user = USERNAME.test(username) ? await deps.store.getUserByUsername(username) : void 0;
      if (!user || user.passwordHash === null) {
        await verifyPassword(password, await dummy());
        return void 0;
      }
      if (!await verifyPassword(password, user.passwordHash)) return void 0;
      if (needsRehash(user.passwordHash, params)) await deps.store.setUserPassword(user.id, await hashPassword(password, params));
      return user;
    }
  };
}

// src/web/account.tsx
import { Hono as Hono11 } from "hono";

// src/web/client-display.ts
var LOOPBACK2 = /* @__PURE__ */ new Set(["127.0.0.1", "[::1]", "localhost"]);
function isLoopback(uri) {
  try {
    const u = new URL(uri);
    return (u.protocol === "http:" || u.protocol === "https:") && LOOPBACK2.has(u.hostname);
  } catch {
    return false;
  }
}
function describeClient(client) {
  let documentHost;
  if (client.clientId.startsWith("https://")) {
    try {
      documentHost = new URL(client.clientId).host;
    } catch {
      documentHost = void 0;
    }
  }
  const name2 = client.clientName?.trim() || documentHost || "An unnamed application";
  return {
    name: name2,
    clientId: client.clientId,
    ...documentHost !== void 0 && { documentHost },
    localhostOnly: client.redirectUris.length > 0 && client.redirectUris.every(isLoopback)
  };
}
function describeRedirect(redirectUri) {
  try {
    const u = new URL(redirectUri);
    if (u.protocol === "http:" || u.protocol === "https:") return u.host;
    return `the ${u.protocol}// app on this device`;
  } catch {
    return redirectUri;
  }
}

// src/web/consents.ts
async function consentedScopes(deps, subject, request) {
  const consent = await deps.store.getConsent(subject, request.client.clientId, request.resource);
  return consent ? parseScope(consent.scope) : [];
}
async function consentCovers(deps, subject, request) {
  const allowed = await consentedScopes(deps, subject, request);
  return request.scopes.every((s) => allowed.includes(s));
}
async function rememberConsent(deps, subject, request) {
  const before = await consentedScopes(deps, subject, request);
  const merged = SUPPORTED_SCOPES.filter((s) => before.includes(s) || request.scopes.includes(s));
  const now = deps.clock();
  await deps.store.saveConsent({
    subject,
    clientId: request.client.clientId,
    resource: request.resource,
    scope: formatScope(merged),
    createdAt: now,
    updatedAt: now
  });
}
function describeScopes(scopes) {
  return scopes.map((name2) => ({ name: name2, words: SCOPES[name2] ?? name2 }));
}

// src/web/form.ts
async function readPageForm(c) {
  const body = await c.req.parseBody();
  const fields = /* @__PURE__ */ Object.create(null);
  for (const [name2, value2] of Object.entries(body)) if (typeof value2 === "string") fields[name2] = value2;
  return fields;
}

// src/web/login.tsx
import { Hono as Hono10 } from "hono";
import { RateLimiterRes as RateLimiterRes2 } from "rate-limiter-flexible";

// src/web/interactions.ts
var INTERACTION_TTL_SECONDS = 10 * 60;
var ID = /^[A-Za-z0-9_-]{43}$/;
async function savePendingRequest(deps, request) {
  const id = randomToken();
  const now = deps.clock();
  await deps.store.createWebInteraction({ idHash: sha256(id), request: JSON.stringify(request), createdAt: now, expiresAt: now + INTERACTION_TTL_SECONDS });
  return id;
}
function isInteractionId(id) {
  return id !== void 0 && ID.test(id);
}
async function loadPendingRequest(deps, id) {
  if (!isInteractionId(id)) return void 0;
  const record = await deps.store.getWebInteraction(sha256(id));
  if (!record || record.expiresAt <= deps.clock()) return void 0;
  return JSON.parse(record.request);
}
async function consumePendingRequest(deps, id) {
  if (!isInteractionId(id)) return void 0;
  const record = await deps.store.consumeWebInteraction(sha256(id));
  if (!record || record.expiresAt <= deps.clock()) return void 0;
  return JSON.parse(record.request);
}

// src/web/page.ts
var SCHEME = /^[a-z][a-z0-9+.-]*:$/;
function redirectFormTarget(redirectUri) {
  let url;
  try {
    url = new URL(redirectUri);
  } catch {
    return void 0;
  }
  if (url.protocol === "http:" || url.protocol === "https:") return url.origin;
  return SCHEME.test(url.protocol) ? url.protocol : void 0;
}
function contentSecurityPolicy(formTargets = []) {
  return [
    "default-src 'none'",
    "style-src 'self'",
    "img-src 'self'",
    `form-action ${["'self'", ...formTargets].join(" ")}`,
    "frame-ancestors 'none'",
    "base-uri 'none'"
  ].join("; ");
}
function pageHeaders(formTargets = []) {
  return {
    "Content-Security-Policy": contentSecurityPolicy(formTargets),
    "X-Frame-Options": "DENY",
    "Cache-Control": "no-store",
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff"
  };
}
async function renderPage(c, page2, opts = {}) {
  const html2 = `<!DOCTYPE html>${await page2.toString()}`;
  return c.html(html2, opts.status ?? 200, { ...pageHeaders(opts.formTargets), ...opts.headers });
}
function redirectHere(c, path) {
  for (const [name2, value2] of Object.entries(pageHeaders())) c.header(name2, value2);
  return c.redirect(path, 303);
}

// src/web/cookies.ts
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
function secure(config) {
  return config.authServer.issuer.startsWith("https://");
}
function cookieName(config, kind) {
  return `${secure(config) ? "__Host-" : ""}oauth_mcp_${kind}`;
}
function readCookie(c, config, kind) {
  return getCookie(c, cookieName(config, kind));
}
function writeCookie(c, config, kind, value2, maxAgeSeconds) {
  setCookie(c, cookieName(config, kind), value2, {
    httpOnly: true,
    sameSite: "Lax",
    secure: secure(config),
    path: "/",
    ...maxAgeSeconds !== void 0 && { maxAge: maxAgeSeconds }
  });
}
function clearCookie(c, config, kind) {
  deleteCookie(c, cookieName(config, kind), { path: "/", secure: secure(config) });
}

// src/web/sessions.ts
var SESSION_TTL_SECONDS = 8 * 3600;
async function currentSession(deps, c) {
  const raw2 = readCookie(c, deps.config, "session");
  if (!raw2) return void 0;
  const idHash = sha256(raw2);
  const session = await deps.store.getWebSession(idHash);
  if (!session || session.expiresAt <= deps.clock()) return void 0;
  const user = await deps.store.getUser(session.userId);
  return user && { user, idHash };
}
async function startSession(deps, c, userId) {
  const previous = readCookie(c, deps.config, "session");
  if (previous) await deps.store.deleteWebSession(sha256(previous));
  const raw2 = randomToken();
  const now = deps.clock();
  const idHash = sha256(raw2);
  await deps.store.createWebSession({ idHash, userId, createdAt: now, expiresAt: now + SESSION_TTL_SECONDS });
  writeCookie(c, deps.config, "session", raw2, SESSION_TTL_SECONDS);
  return idHash;
}
async function endSession(deps, c) {
  const raw2 = readCookie(c, deps.config, "session");
  if (raw2) await deps.store.deleteWebSession(sha256(raw2));
  clearCookie(c, deps.config, "session");
}

// src/web/views/layout.tsx
import { jsx, jsxs } from "hono/jsx/jsx-runtime";
function Layout(props) {
  return /* @__PURE__ */ jsxs("html", { lang: "en", children: [
    /* @__PURE__ */ jsxs("head", { children: [
      /* @__PURE__ */ jsx("meta", { charset: "utf-8" }),
      /* @__PURE__ */ jsx("meta", { name: "viewport", content: "width=device-width, initial-scale=1" }),
      /* @__PURE__ */ jsx("meta", { name: "referrer", content: "no-referrer" }),
      /* @__PURE__ */ jsx("meta", { name: "robots", content: "noindex" }),
      /* @__PURE__ */ jsx("title", { children: `${props.title} \xB7 oauth-mcp` }),
      /* @__PURE__ */ jsx("link", { rel: "stylesheet", href: "/static/web.css" })
    ] }),
    /* @__PURE__ */ jsxs("body", { children: [
      /* @__PURE__ */ jsx("a", { class: "skip", href: "#main", children: "Skip to content" }),
      /* @__PURE__ */ jsx("header", { class: "top", children: /* @__PURE__ */ jsx("span", { class: "brand", "aria-label": "oauth-mcp authorization server", children: "oauth-mcp" }) }),
      /* @__PURE__ */ jsx("main", { id: "main", class: props.wide ? "card wide" : "card", children: props.children })
    ] })
  ] });
}
function MessagePage(props) {
  return /* @__PURE__ */ jsxs(Layout, { title: props.title, children: [
    /* @__PURE__ */ jsx("h1", { children: props.title }),
    /* @__PURE__ */ jsx("p", { class: "lead", role: "alert", children: props.message }),
    props.hint && /* @__PURE__ */ jsx("p", { class: "muted", children: props.hint })
  ] });
}

// src/web/views/login.tsx
import { jsx as jsx2, jsxs as jsxs2 } from "hono/jsx/jsx-runtime";
function LoginPage(v) {
  return /* @__PURE__ */ jsxs2(Layout, { title: "Sign in", children: [
    /* @__PURE__ */ jsx2("h1", { children: "Sign in" }),
    v.clientName ? /* @__PURE__ */ jsxs2("p", { class: "lead", children: [
      "to continue to ",
      /* @__PURE__ */ jsx2("strong", { children: v.clientName })
    ] }) : /* @__PURE__ */ jsx2("p", { class: "lead", children: "to manage the applications connected to your account" }),
    v.notice && /* @__PURE__ */ jsx2("p", { class: "notice", role: "status", children: v.notice }),
    v.error && /* @__PURE__ */ jsx2("p", { class: "error", role: "alert", id: "login-error", children: v.error }),
    /* @__PURE__ */ jsxs2("form", { method: "post", action: "/login", class: "stack", children: [
      /* @__PURE__ */ jsx2("input", { type: "hidden", name: "csrf", value: v.csrf }),
      v.interactionId && /* @__PURE__ */ jsx2("input", { type: "hidden", name: "i", value: v.interactionId }),
      /* @__PURE__ */ jsx2("label", { for: "username", children: "Username" }),
      /* @__PURE__ */ jsx2(
        "input",
        {
          id: "username",
          name: "username",
          type: "text",
          autocomplete: "username",
          autocapitalize: "none",
          spellcheck: false,
          required: true,
          maxlength: 64,
          autofocus: !v.username,
          value: v.username ?? "",
          ...v.error && { "aria-describedby": "login-error", "aria-invalid": "true" }
        }
      ),
      /* @__PURE__ */ jsx2("label", { for: "password", children: "Password" }),
      /* @__PURE__ */ jsx2(
        "input",
        {
          id: "password",
          name: "password",
          type: "password",
          autocomplete: "current-password",
          required: true,
          maxlength: 1024,
          autofocus: Boolean(v.username),
          ...v.error && { "aria-describedby": "login-error", "aria-invalid": "true" }
        }
      ),
      /* @__PURE__ */ jsx2("button", { type: "submit", class: "primary", children: "Sign in" })
    ] })
  ] });
}

// src/web/login.tsx
import { jsx as jsx3 } from "hono/jsx/jsx-runtime";
var LOGIN_FAILED = "The username or password is incorrect.";
var minutes = (seconds2) => Math.max(1, Math.ceil(seconds2 / 60));
function loginRoutes(deps) {
  const app = new Hono10();
  const render = async (c, i, view, status = 200, headers) => {
    const pending = await loadPendingRequest(deps, i);
    const session = await currentSession(deps, c);
    const target = pending && redirectFormTarget(pending.redirectUri);
    return renderPage(
      c,
      /* @__PURE__ */ jsx3(
        LoginPage,
        {
          ...view,
          csrf: deps.csrf.issue(c, session?.idHash),
          ...pending && { interactionId: i, clientName: describeClient(pending.client).name }
        }
      ),
      // After sign-in a remembered consent redirects straight on to the client: that hop is part of this form's navigation.
      { status, formTargets: target ? [target] : [], ...headers && { headers } }
    );
  };
  const next = async (i) => await loadPendingRequest(deps, i) ? `/consent?i=${i}` : "/account";
  app.get("/login", async (c) => {
    const i = c.req.query("i");
    if (await currentSession(deps, c)) return redirectHere(c, await next(i));
    const notice = c.req.query("signed_out") === "1" ? "You are signed out." : void 0;
    return render(c, i, { ...notice && { notice } });
  });
  app.post("/login", async (c) => {
    const address = clientIp(c, deps.config.trustedProxies);
    const form = await readPageForm(c);
    const i = form.i;
    try {
      await deps.rateLimits.login.consume(address);
    } catch (res) {
      if (!(res instanceof RateLimiterRes2)) throw res;
      const retry = Math.max(1, Math.ceil(res.msBeforeNext / 1e3));
      return render(c, i, { error: `Too many sign-in attempts from your network. Try again in ${retry} seconds.` }, 429, { "Retry-After": String(retry) });
    }
    const session = await currentSession(deps, c);
    if (!deps.csrf.verify(c, session?.idHash, form.csrf)) return refused(c);
    const username = (form.username ?? "").trim();
    const password = form.password ?? "";
    const blockedFor = await deps.throttle.blockedFor(username, address);
    if (blockedFor > 0) {
      deps.logger.warn({ username, address }, "sign-in refused: too many failures");
      const error = `Too many failed sign-ins. Try again in about ${minutes(blockedFor)} minute${minutes(blockedFor) === 1 ? "" : "s"}.`;
      return render(c, i, { error, username }, 429, { "Retry-After": String(blockedFor) });
    }
    const user = await deps.users.authenticate(username, password);
    if (!user) {
      const delay = await deps.throttle.failed(username, address);
      deps.logger.info({ username, address, delay }, "sign-in failed");
      await deps.sleep(delay);
      return render(c, i, { error: LOGIN_FAILED, username }, 401);
    }
    await deps.throttle.succeeded(username);
    await startSession(deps, c, user.id);
    deps.logger.info({ user: user.id, address }, "signed in");
    return redirectHere(c, await next(i));
  });
  return app;
}
function refused(c) {
  return renderPage(
    c,
    /* @__PURE__ */ jsx3(
      MessagePage,
      {
        title: "This form has expired",
        message: "The form was refused because its security token is missing or out of date.",
        hint: "Go back, reload the page and try again."
      }
    ),
    { status: 403 }
  );
}

// src/web/views/account.tsx
import { jsx as jsx4, jsxs as jsxs3 } from "hono/jsx/jsx-runtime";
function When(props) {
  if (props.at === null) return /* @__PURE__ */ jsx4("span", { class: "muted", children: "never" });
  const iso = new Date(props.at * 1e3).toISOString();
  return /* @__PURE__ */ jsx4("time", { datetime: iso, children: `${iso.slice(0, 16).replace("T", " ")} UTC` });
}
function AccountPage(v) {
  return /* @__PURE__ */ jsxs3(Layout, { title: "Connected applications", wide: true, children: [
    /* @__PURE__ */ jsxs3("div", { class: "heading-row", children: [
      /* @__PURE__ */ jsx4("h1", { children: "Connected applications" }),
      /* @__PURE__ */ jsxs3("form", { method: "post", action: "/logout", children: [
        /* @__PURE__ */ jsx4("input", { type: "hidden", name: "csrf", value: v.csrf }),
        /* @__PURE__ */ jsxs3("button", { type: "submit", class: "link", children: [
          "Sign out ",
          v.username
        ] })
      ] })
    ] }),
    v.notice && /* @__PURE__ */ jsx4("p", { class: "notice", role: "status", children: v.notice }),
    v.apps.length === 0 ? /* @__PURE__ */ jsx4("p", { class: "lead", children: "No application has access to your account." }) : /* @__PURE__ */ jsx4("ul", { class: "apps", children: v.apps.map((app) => /* @__PURE__ */ jsxs3("li", { class: "app", children: [
      /* @__PURE__ */ jsxs3("h2", { children: [
        app.client.name,
        app.client.documentHost && /* @__PURE__ */ jsx4("span", { class: "tag", children: "unverified" })
      ] }),
      /* @__PURE__ */ jsx4("span", { class: "id", children: app.client.clientId }),
      /* @__PURE__ */ jsxs3("dl", { class: "facts", children: [
        /* @__PURE__ */ jsx4("dt", { children: "Can" }),
        /* @__PURE__ */ jsx4("dd", { children: /* @__PURE__ */ jsx4("ul", { class: "plain", children: app.scopes.map((s) => /* @__PURE__ */ jsxs3("li", { children: [
          s.words,
          " ",
          /* @__PURE__ */ jsx4("code", { class: "scope-name", children: s.name })
        ] })) }) }),
        /* @__PURE__ */ jsx4("dt", { children: "Allowed" }),
        /* @__PURE__ */ jsx4("dd", { children: /* @__PURE__ */ jsx4(When, { at: app.grantedAt }) }),
        /* @__PURE__ */ jsx4("dt", { children: "Last used" }),
        /* @__PURE__ */ jsx4("dd", { children: /* @__PURE__ */ jsx4(When, { at: app.lastUsedAt }) })
      ] }),
      /* @__PURE__ */ jsxs3("form", { method: "post", action: "/account/revoke", children: [
        /* @__PURE__ */ jsx4("input", { type: "hidden", name: "csrf", value: v.csrf }),
        /* @__PURE__ */ jsx4("input", { type: "hidden", name: "client_id", value: app.client.clientId }),
        /* @__PURE__ */ jsx4("button", { type: "submit", class: "danger", "aria-label": `Revoke access for ${app.client.name}`, children: "Revoke access" })
      ] })
    ] })) })
  ] });
}

// src/web/account.tsx
import { jsx as jsx5 } from "hono/jsx/jsx-runtime";
async function connectedApps(deps, subject) {
  const byClient = /* @__PURE__ */ new Map();
  for (const g of await deps.store.listGrantsForSubject(subject)) {
    if (g.revokedAt !== null) continue;
    byClient.set(g.clientId, [...byClient.get(g.clientId) ?? [], g]);
  }
  const apps = [];
  for (const [clientId, grants] of byClient) {
    const client = await deps.store.getClient(clientId);
    const scopes = new Set(grants.flatMap((g) => parseScope(g.scope)));
    const used = grants.map((g) => g.lastUsedAt).filter((t) => t !== null);
    apps.push({
      client: client ? describeClient(client) : { name: clientId, clientId, localhostOnly: false, ...clientId.startsWith("https://") && { documentHost: new URL(clientId).host } },
      scopes: describeScopes(SUPPORTED_SCOPES.filter((s) => scopes.has(s))),
      grantedAt: Math.min(...grants.map((g) => g.createdAt)),
      lastUsedAt: used.length ? Math.max(...used) : null
    });
  }
  return apps;
}
function accountRoutes(deps) {
  const app = new Hono11();
  app.get("/account", async (c) => {
    const session = await currentSession(deps, c);
    if (!session) return redirectHere(c, "/login");
    const notice = c.req.query("revoked") === "1" ? "Access revoked. That application can no longer use your account." : void 0;
    return renderPage(
      c,
      /* @__PURE__ */ jsx5(
        AccountPage,
        {
          csrf: deps.csrf.issue(c, session.idHash),
          username: session.user.username,
          apps: await connectedApps(deps, session.user.id),
          ...notice && { notice }
        }
      )
    );
  });
  app.post("/account/revoke", async (c) => {
    const form = await readPageForm(c);
    const session = await currentSession(deps, c);
    if (!session) return redirectHere(c, "/login");
    if (!deps.csrf.verify(c, session.idHash, form.csrf)) return refused(c);
    const clientId = form.client_id ?? "";
    const now = deps.clock();
    const grants = (await deps.store.listGrantsForSubject(session.user.id)).filter((g) => g.clientId === clientId && g.revokedAt === null);
    for (const g of grants) await deps.store.revokeGrant(g.id, now);
    await deps.store.deleteConsents(session.user.id, clientId);
    deps.logger.info({ event: "grant_revoked_by_user", clientId, user: session.user.id, grants: grants.length }, "access revoked from /account");
    return redirectHere(c, "/account?revoked=1");
  });
  app.post("/logout", async (c) => {
    const form = await readPageForm(c);
    const session = await currentSession(deps, c);
    if (session && !deps.csrf.verify(c, session.idHash, form.csrf)) return refused(c);
    await endSession(deps, c);
    return redirectHere(c, "/login?signed_out=1");
  });
  return app;
}

// src/web/consent.tsx
import { Hono as Hono12 } from "hono";

// src/web/views/consent.tsx
import { jsx as jsx6, jsxs as jsxs4 } from "hono/jsx/jsx-runtime";
function ConsentPage(v) {
  const c = v.client;
  return /* @__PURE__ */ jsxs4(Layout, { title: "Allow access?", children: [
    /* @__PURE__ */ jsxs4("h1", { children: [
      /* @__PURE__ */ jsx6("span", { class: "app-name", children: c.name }),
      " wants access to your account"
    ] }),
    c.documentHost && /* @__PURE__ */ jsxs4("p", { class: "warning", role: "note", children: [
      /* @__PURE__ */ jsx6("strong", { children: "Unverified application." }),
      " It identifies itself by a document at ",
      /* @__PURE__ */ jsx6("code", { children: c.documentHost }),
      ". The name above is what that document claims; this server has not checked who runs it."
    ] }),
    c.localhostOnly && /* @__PURE__ */ jsxs4("p", { class: "warning", role: "note", children: [
      /* @__PURE__ */ jsx6("strong", { children: "The code goes to a program on your own computer" }),
      " (localhost). Continue only if you started this application yourself just now; any program on this computer could be listening there."
    ] }),
    /* @__PURE__ */ jsxs4("dl", { class: "facts", children: [
      /* @__PURE__ */ jsx6("dt", { children: "Application" }),
      /* @__PURE__ */ jsxs4("dd", { children: [
        c.name,
        c.documentHost && /* @__PURE__ */ jsx6("span", { class: "tag", children: "unverified" }),
        /* @__PURE__ */ jsx6("span", { class: "id", children: c.clientId })
      ] }),
      /* @__PURE__ */ jsx6("dt", { children: "Sends you back to" }),
      /* @__PURE__ */ jsx6("dd", { children: /* @__PURE__ */ jsx6("code", { children: v.redirectTo }) }),
      /* @__PURE__ */ jsx6("dt", { children: "For the server" }),
      /* @__PURE__ */ jsx6("dd", { children: /* @__PURE__ */ jsx6("code", { children: v.resource }) }),
      /* @__PURE__ */ jsx6("dt", { children: "Signed in as" }),
      /* @__PURE__ */ jsx6("dd", { children: v.username })
    ] }),
    /* @__PURE__ */ jsx6("h2", { children: "It will be able to" }),
    /* @__PURE__ */ jsx6("ul", { class: "scopes", children: v.scopes.map((s) => /* @__PURE__ */ jsxs4("li", { children: [
      /* @__PURE__ */ jsx6("span", { class: "scope-words", children: s.words }),
      " ",
      /* @__PURE__ */ jsx6("code", { class: "scope-name", children: s.name }),
      v.alreadyAllowed.includes(s.name) ? /* @__PURE__ */ jsx6("span", { class: "tag", children: "already allowed" }) : null
    ] })) }),
    /* @__PURE__ */ jsxs4("form", { method: "post", action: "/consent", class: "actions", children: [
      /* @__PURE__ */ jsx6("input", { type: "hidden", name: "csrf", value: v.csrf }),
      /* @__PURE__ */ jsx6("input", { type: "hidden", name: "i", value: v.interactionId }),
      /* @__PURE__ */ jsx6("button", { type: "submit", name: "decision", value: "deny", class: "secondary", children: "Deny" }),
      /* @__PURE__ */ jsx6("button", { type: "submit", name: "decision", value: "approve", class: "primary", children: "Allow" })
    ] }),
    /* @__PURE__ */ jsx6("p", { class: "muted small", children: "You can withdraw this at any time under Connected applications (/account)." })
  ] });
}

// src/web/consent.tsx
import { jsx as jsx7 } from "hono/jsx/jsx-runtime";
function expired(c) {
  return renderPage(
    c,
    /* @__PURE__ */ jsx7(
      MessagePage,
      {
        title: "This request has expired",
        message: "This authorization request was already answered, or waited too long.",
        hint: "Go back to the application and connect again."
      }
    ),
    { status: 400 }
  );
}
function consentRoutes(deps) {
  const app = new Hono12();
  const toLogin = (c, i) => redirectHere(c, isInteractionId(i) ? `/login?i=${i}` : "/login");
  const approve = async (session, request) => {
    await rememberConsent(deps, session.user.id, request);
    return completeAuthorization(deps, request, { kind: "approved", subject: session.user.id, scopes: request.scopes });
  };
  app.get("/consent", async (c) => {
    const i = c.req.query("i");
    const request = await loadPendingRequest(deps, i);
    if (!request) return expired(c);
    const session = await currentSession(deps, c);
    if (!session) return toLogin(c, i);
    if (await consentCovers(deps, session.user.id, request)) {
      const taken = await consumePendingRequest(deps, i);
      return taken ? approve(session, taken) : expired(c);
    }
    const target = redirectFormTarget(request.redirectUri);
    return renderPage(
      c,
      /* @__PURE__ */ jsx7(
        ConsentPage,
        {
          csrf: deps.csrf.issue(c, session.idHash),
          interactionId: i,
          username: session.user.username,
          client: describeClient(request.client),
          redirectTo: describeRedirect(request.redirectUri),
          resource: request.resource,
          scopes: describeScopes(request.scopes),
          alreadyAllowed: await consentedScopes(deps, session.user.id, request)
        }
      ),
      // The form's POST ends in a redirect to the client; CSP form-action must allow that hop (see page.ts).
      { formTargets: target ? [target] : [] }
    );
  });
  app.post("/consent", async (c) => {
    const form = await readPageForm(c);
    const session = await currentSession(deps, c);
    if (!session) return toLogin(c, form.i);
    if (!deps.csrf.verify(c, session.idHash, form.csrf)) return refused(c);
    if (form.decision !== "approve" && form.decision !== "deny") {
      return renderPage(c, /* @__PURE__ */ jsx7(MessagePage, { title: "No decision", message: "Choose Allow or Deny." }), { status: 400 });
    }
    const request = await consumePendingRequest(deps, form.i);
    if (!request) return expired(c);
    deps.logger.info({ event: "consent", decision: form.decision, clientId: request.client.clientId, user: session.user.id }, "consent decided");
    if (form.decision === "deny") return completeAuthorization(deps, request, { kind: "denied" });
    return approve(session, request);
  });
  return app;
}

// src/web/csrf.ts
import { createHmac as createHmac2 } from "node:crypto";
function createCsrf(config) {
  const key = deriveKey(config.secretKey, "web-csrf");
  const sign = (cookie, sessionIdHash) => createHmac2("sha256", key).update(`${cookie}|${sessionIdHash ?? ""}`).digest("base64url");
  return {
    issue(c, sessionIdHash) {
      let cookie = readCookie(c, config, "csrf");
      if (!cookie || cookie.length < 32) {
        cookie = randomToken();
        writeCookie(c, config, "csrf", cookie);
      }
      return sign(cookie, sessionIdHash);
    },
    verify(c, sessionIdHash, submitted) {
      const cookie = readCookie(c, config, "csrf");
      if (!cookie || !submitted) return false;
      return constantTimeEqual(sign(cookie, sessionIdHash), submitted);
    }
  };
}

// src/web/deps.ts
var realSleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// src/web/login-throttle.ts
import { RateLimiterMemory as RateLimiterMemory2 } from "rate-limiter-flexible";
var DEFAULT_LOGIN_THROTTLE = {
  maxFailuresPerAccount: 10,
  maxFailuresPerAddress: 50,
  windowSeconds: 15 * 60,
  baseDelayMs: 250,
  maxDelayMs: 8e3
};
var accountKey = (username) => username.trim().toLowerCase().slice(0, 64) || "(empty)";
function createLoginThrottle(options = {}) {
  const o = { ...DEFAULT_LOGIN_THROTTLE, ...options };
  const perAccount = new RateLimiterMemory2({ keyPrefix: "login-account", points: o.maxFailuresPerAccount, duration: o.windowSeconds });
  const perAddress = new RateLimiterMemory2({ keyPrefix: "login-address", points: o.maxFailuresPerAddress, duration: o.windowSeconds });
  const failures = async (limiter, key) => {
    const res = await limiter.get(key);
    return { count: res?.consumedPoints ?? 0, msLeft: res?.msBeforeNext ?? 0 };
  };
  return {
    async blockedFor(username, address) {
      const [account, addr] = await Promise.all([failures(perAccount, accountKey(username)), failures(perAddress, address)]);
      let ms = 0;
      if (account.count >= o.maxFailuresPerAccount) ms = Math.max(ms, account.msLeft);
      if (addr.count >= o.maxFailuresPerAddress) ms = Math.max(ms, addr.msLeft);
      return Math.ceil(ms / 1e3);
    },
    async failed(username, address) {
      await Promise.all([perAccount.penalty(accountKey(username), 1), perAddress.penalty(address, 1)]);
      const [account, addr] = await Promise.all([failures(perAccount, accountKey(username)), failures(perAddress, address)]);
      const n = Math.max(account.count, addr.count);
      return Math.min(o.maxDelayMs, o.baseDelayMs * 2 ** (n - 1));
    },
    async succeeded(username) {
      await perAccount.delete(accountKey(username));
    }
  };
}

// src/web/styles.ts
import { createHash as createHash3 } from "node:crypto";
import { Hono as Hono13 } from "hono";
var STYLESHEET = `
:root { --fg:#1d2330; --muted:#5b6475; --bg:#f4f6f9; --card:#fff; --line:#dde2ea; --accent:#2451c7;
  --accent-fg:#fff; --danger:#b3261e; --warn-bg:#fff6e0; --warn-line:#e7b23c; --ok-bg:#e8f5ec; --ok-line:#5fa873;
  --err-bg:#fdecea; color-scheme: light; }
* { box-sizing: border-box; }
html { font-size: 100%; -webkit-text-size-adjust: 100%; }
body { margin:0; font: 1rem/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
.skip { position:absolute; left:-999px; top:0; background:var(--card); padding:.5rem 1rem; }
.skip:focus { left:1rem; top:1rem; z-index:1; }
.top { padding: .9rem 1.25rem; border-bottom:1px solid var(--line); background:var(--card); }
.brand { font-weight:700; letter-spacing:.02em; }
.card { background:var(--card); max-width: 30rem; margin: 2rem auto; padding: 1.75rem; border:1px solid var(--line);
  border-radius: 12px; box-shadow: 0 1px 3px rgba(0,0,0,.06); }
.card.wide { max-width: 44rem; }
h1 { font-size:1.45rem; line-height:1.3; margin:0 0 .5rem; overflow-wrap:anywhere; }
h2 { font-size:1.05rem; margin:1.5rem 0 .5rem; }
.lead { font-size:1.05rem; color:var(--muted); margin:.25rem 0 1.25rem; }
.muted { color:var(--muted); }
.small { font-size:.875rem; }
code { font: .9em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; background:#eef1f6; padding:.05rem .3rem;
  border-radius:4px; overflow-wrap:anywhere; }
.stack { display:flex; flex-direction:column; gap:.4rem; }
label { font-weight:600; margin-top:.6rem; }
input[type=text], input[type=password] { font:inherit; padding:.65rem .75rem; border:1px solid #b9c1ce; border-radius:8px; width:100%; }
button { font:inherit; font-weight:600; border-radius:8px; padding:.7rem 1.2rem; border:1px solid transparent; cursor:pointer; }
.primary { background:var(--accent); color:var(--accent-fg); }
.primary:hover { background:#1c41a3; }
.secondary { background:var(--card); color:var(--fg); border-color:#b9c1ce; }
.secondary:hover { background:#eef1f6; }
.danger { background:var(--card); color:var(--danger); border-color:var(--danger); }
.danger:hover { background:var(--err-bg); }
.link { background:none; border:none; color:var(--accent); padding:.25rem 0; text-decoration:underline; font-weight:500; }
.stack button { margin-top:1.1rem; }
:focus-visible { outline:3px solid #f0a500; outline-offset:2px; }
.error { background:var(--err-bg); border-left:4px solid var(--danger); padding:.6rem .8rem; border-radius:6px; }
.notice { background:var(--ok-bg); border-left:4px solid var(--ok-line); padding:.6rem .8rem; border-radius:6px; }
.warning { background:var(--warn-bg); border-left:4px solid var(--warn-line); padding:.6rem .8rem; border-radius:6px; }
.facts { display:grid; grid-template-columns: max-content 1fr; gap:.35rem 1rem; margin:1rem 0; }
.facts dt { color:var(--muted); }
.facts dd { margin:0; overflow-wrap:anywhere; }
.id { display:block; color:var(--muted); font-size:.8rem; overflow-wrap:anywhere; }
.tag { display:inline-block; margin-left:.4rem; font-size:.75rem; font-weight:600; padding:.05rem .45rem; border-radius:999px;
  background:var(--warn-bg); border:1px solid var(--warn-line); vertical-align:middle; }
.scopes { list-style:none; padding:0; margin:0 0 1.25rem; }
.scopes li { padding:.55rem 0; border-bottom:1px solid var(--line); }
.scope-name { font-size:.8rem; color:var(--muted); }
.plain { list-style:none; padding:0; margin:0; }
.actions { display:flex; gap:.75rem; justify-content:flex-end; flex-wrap:wrap; }
.actions button { min-width:7.5rem; }
.heading-row { display:flex; justify-content:space-between; align-items:baseline; gap:1rem; flex-wrap:wrap; }
.apps { list-style:none; padding:0; margin:0; }
.app { border:1px solid var(--line); border-radius:10px; padding:1rem 1.1rem; margin-top:1rem; }
.app h2 { margin:0; }
@media (max-width: 36rem) {
  .card { margin:0; border-radius:0; border-left:0; border-right:0; padding:1.25rem 1rem; }
  .facts { grid-template-columns: 1fr; gap:.1rem; }
  .facts dd { margin-bottom:.5rem; }
  .actions { flex-direction:column; }
  .actions button { width:100%; }
}
`;
var ETAG = `"${createHash3("sha256").update(STYLESHEET).digest("base64url").slice(0, 16)}"`;
function stylesRoute() {
  const app = new Hono13();
  app.get("/static/web.css", (c) => {
    if (c.req.header("if-none-match") === ETAG) return c.body(null, 304);
    return c.body(STYLESHEET, 200, { "Content-Type": "text/css; charset=utf-8", "Cache-Control": "public, max-age=3600", ETag: ETAG });
  });
  return app;
}

// src/web/pages-interaction.ts
function pagesInteraction(deps) {
  return {
    async decide(c, request) {
      const session = await currentSession(deps, c);
      if (session && await consentCovers(deps, session.user.id, request)) {
        return { kind: "approved", subject: session.user.id, scopes: request.scopes };
      }
      const id = await savePendingRequest(deps, request);
      const next = session ? `/consent?i=${id}` : `/login?i=${id}`;
      return { kind: "respond", response: redirectHere(c, next) };
    }
  };
}

// src/web/routes.ts
function webRoutes(deps) {
  const shared = {
    ...deps,
    users: deps.users ?? createUsersService({ store: deps.store, clock: deps.clock }),
    throttle: deps.loginThrottle ?? createLoginThrottle(),
    csrf: createCsrf(deps.config),
    sleep: deps.sleep ?? realSleep
  };
  const app = new Hono14();
  app.route("/", stylesRoute());
  app.route("/", loginRoutes(shared));
  app.route("/", consentRoutes(shared));
  app.route("/", accountRoutes(shared));
  return app;
}

// src/runtime/auth-server.ts
async function buildAuthServer(config, base) {
  const keys = await KeyRing.open({ store: base.store, secretKey: config.secretKey, clock: base.clock, accessTokenTtl: config.ttl.accessToken });
  const deps = { config, ...base, keys, rateLimits: memoryRateLimits(config.rateLimitPerMinute) };
  if (config.demo.enabled) await seedDemo(deps);
  else deps.interaction = pagesInteraction(deps);
  const app = createAuthServerApp(deps);
  app.route("/", webRoutes(deps));
  return { app, deps };
}

// src/runtime/listen.ts
import { serve } from "@hono/node-server";
function listen(app, host, port2) {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port: port2 });
    server.once("error", reject);
    server.once("listening", () => {
      server.off("error", reject);
      const actual = server.address().port;
      resolve({
        server,
        port: actual,
        close: (graceMs = 5e3) => new Promise((done) => {
          const timer = setTimeout(() => server.closeAllConnections(), graceMs);
          timer.unref();
          server.close(() => {
            clearTimeout(timer);
            done();
          });
          server.closeIdleConnections();
        })
      });
    });
  });
}

// src/data/data-service.ts
var toWire = (r) => ({
  id: r.id,
  name: r.name,
  value: r.value,
  created_at: new Date(r.createdAt * 1e3).toISOString(),
  updated_at: new Date(r.updatedAt * 1e3).toISOString()
});
var DataService = class {
  constructor(store, clock2) {
    this.store = store;
    this.clock = clock2;
  }
  store;
  clock;
  async list(owner) {
    return (await this.store.listItems(owner)).map(toWire);
  }
  async get(owner, id) {
    const r = await this.store.getItem(owner, id);
    return r && toWire(r);
  }
  async create(owner, item) {
    return toWire(await this.store.createItem(owner, item, this.clock()));
  }
  /** Returns undefined when the owner has no item with this id. */
  async update(owner, id, patch) {
    const r = await this.store.updateItem(owner, id, patch, this.clock());
    return r && toWire(r);
  }
  async remove(owner, id) {
    return this.store.deleteItem(owner, id);
  }
};

// src/mcp/app.ts
import { Hono as Hono20 } from "hono";
import { bodyLimit as bodyLimit3 } from "hono/body-limit";
import { secureHeaders as secureHeaders2 } from "hono/secure-headers";
import { hostHeaderValidation } from "@modelcontextprotocol/hono";

// src/api/routes.ts
import { Hono as Hono17 } from "hono";
import { bodyLimit as bodyLimit2 } from "hono/body-limit";

// src/resource-server/challenge.ts
function quote(value2) {
  return `"${value2.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, "")}"`;
}
function bearer(params) {
  const parts = params.filter(([, v]) => v !== void 0 && v !== "").map(([k, v]) => `${k}=${quote(v)}`);
  return parts.length ? `Bearer ${parts.join(", ")}` : "Bearer";
}
function scopeValue(scopes) {
  const known = SUPPORTED_SCOPES.filter((s) => scopes.includes(s));
  const others = scopes.filter((s) => !known.includes(s) && s !== "offline_access");
  const all = [.../* @__PURE__ */ new Set([...known, ...others])];
  return all.length ? all.join(" ") : void 0;
}
function missingTokenChallenge(ctx, scopes) {
  return {
    status: 401,
    body: { error: "unauthorized", error_description: "an access token is required (Authorization: Bearer <token>)" },
    wwwAuthenticate: bearer([
      ["resource_metadata", ctx.resourceMetadataUrl],
      ["scope", scopeValue(scopes)]
    ])
  };
}
function invalidTokenChallenge(ctx, description) {
  return {
    status: 401,
    body: { error: "invalid_token", error_description: description },
    wwwAuthenticate: bearer([
      ["error", "invalid_token"],
      ["error_description", description],
      ["resource_metadata", ctx.resourceMetadataUrl]
    ])
  };
}
function insufficientScopeChallenge(ctx, scopes, description) {
  const scope = scopeValue(scopes);
  const text2 = description ?? `insufficient scope; ask for: ${scope ?? ""}`;
  return {
    status: 403,
    body: { error: "insufficient_scope", error_description: text2 },
    wwwAuthenticate: bearer([
      ["error", "insufficient_scope"],
      ["error_description", text2],
      ["scope", scope],
      ["resource_metadata", ctx.resourceMetadataUrl]
    ])
  };
}
function invalidRequestChallenge(ctx, description) {
  return {
    status: 400,
    body: { error: "invalid_request", error_description: description },
    wwwAuthenticate: bearer([
      ["error", "invalid_request"],
      ["error_description", description],
      ["resource_metadata", ctx.resourceMetadataUrl]
    ])
  };
}
function challengeResponse(ch) {
  return new Response(JSON.stringify(ch.body), {
    status: ch.status,
    headers: {
      "Content-Type": "application/json",
      "WWW-Authenticate": ch.wwwAuthenticate,
      "Cache-Control": "no-store"
    }
  });
}

// src/resource-server/bearer.ts
var B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;
async function authenticate(request, opts) {
  const result = await check(request, opts);
  return "status" in result ? challengeResponse(result) : result;
}
function bearerAuth(opts) {
  return async (c, next) => {
    const result = await authenticate(c.req.raw, opts);
    if (result instanceof Response) return result;
    c.set("auth", result);
    await next();
  };
}
async function check(request, opts) {
  const ctx = { resourceMetadataUrl: opts.resourceMetadataUrl };
  const header = request.headers.get("authorization");
  const inQuery = new URL(request.url).searchParams.has("access_token");
  if (inQuery && header) return invalidRequestChallenge(ctx, "access token sent in more than one way");
  if (inQuery) return invalidRequestChallenge(ctx, "access tokens are accepted only in the Authorization header");
  const scheme = header?.trim().split(/\s+/, 1)[0] ?? "";
  if (!header || scheme.toLowerCase() !== "bearer") return missingTokenChallenge(ctx, opts.allScopes ?? opts.requiredScopes);
  const parts = header.trim().split(/\s+/);
  if (parts.length !== 2 || !B64TOKEN.test(parts[1])) {
    return invalidRequestChallenge(ctx, 'Authorization header must be "Bearer <token>"');
  }
  let token;
  try {
    token = await opts.verifier.verify(parts[1]);
  } catch (err) {
    if (err instanceof OAuthError && err.code === "invalid_token") return invalidTokenChallenge(ctx, err.description);
    throw err;
  }
  const accepted = (opts.audiences ?? [opts.resource]).map((a) => canonicalResource(a) ?? a);
  if (!accepted.includes(token.audience)) return invalidTokenChallenge(ctx, "token not issued for this resource");
  if (!hasScopes(token.scopes, opts.requiredScopes)) {
    const held = token.scopes.filter((s) => SUPPORTED_SCOPES.includes(s));
    return insufficientScopeChallenge(ctx, [...held, ...opts.requiredScopes], `this operation needs scope: ${opts.requiredScopes.join(" ")}`);
  }
  return token;
}

// src/resource-server/resources.ts
function serverResources(mcpUrl) {
  const origin = canonicalResource(mcpUrl);
  if (!origin) throw new Error(`MCP_SERVER_URL is not an absolute http(s) URL: ${mcpUrl}`);
  return { mcp: `${origin}/mcp/v1`, mcpAlias: `${origin}/mcp`, origin };
}
function mcpAudiences(r) {
  return [r.mcp, r.mcpAlias];
}
function apiAudiences(r) {
  return [r.mcp, r.mcpAlias, r.origin];
}
function protectedResourceMetadataUrl(resource) {
  const url = new URL(resource);
  const path = url.pathname === "/" ? "" : url.pathname;
  return `${url.origin}/.well-known/oauth-protected-resource${path}`;
}

// src/api/data.ts
import { Hono as Hono15 } from "hono";
import { z as z5 } from "zod";

// src/api/respond.ts
function apiError(c, status, body) {
  return c.json(body, status, { "Cache-Control": "no-store" });
}
function notFound(c, what) {
  return apiError(c, 404, { error: "not_found", error_description: `${what} not found` });
}

// src/api/json-body.ts
var JSON_TYPE = /^application\/([a-z0-9.+-]+\+)?json\s*(;|$)/i;
async function readJsonBody(c, schema) {
  const type = c.req.header("content-type") ?? "";
  if (!JSON_TYPE.test(type)) {
    return { ok: false, response: apiError(c, 415, { error: "invalid_request", error_description: "Content-Type must be application/json" }) };
  }
  let raw2;
  try {
    raw2 = JSON.parse(await c.req.text());
  } catch {
    return { ok: false, response: apiError(c, 400, { error: "invalid_request", error_description: "request body is not valid JSON" }) };
  }
  if (raw2 === null || typeof raw2 !== "object" || Array.isArray(raw2)) {
    return { ok: false, response: apiError(c, 400, { error: "invalid_request", error_description: "request body must be a JSON object" }) };
  }
  const parsed = schema.safeParse(raw2);
  if (parsed.success) return { ok: true, value: parsed.data };
  const fields = {};
  for (const issue of parsed.error.issues) {
    const key = issue.path.length ? issue.path.map(String).join(".") : "_";
    fields[key] ??= issue.message;
  }
  const description = Object.entries(fields).map(([k, m]) => k === "_" ? m : `${k} ${m}`).join("; ");
  return { ok: false, response: apiError(c, 400, { error: "invalid_request", error_description: description, fields }) };
}

// src/api/data.ts
var name = z5.string({ error: (iss) => iss.input === void 0 ? "is required" : "must be a string" }).min(1, "must not be empty").max(200, "must be at most 200 characters").refine((s) => s.trim() !== "", "must not be blank");
var value = z5.number({
  error: (iss) => iss.input === void 0 ? "is required" : typeof iss.input === "string" ? 'must be a number, not a string (send 100, not "100")' : "must be a finite number"
});
var createBody = z5.object({ name, value });
var updateBody = z5.object({ name: name.optional(), value: value.optional() }).refine((b) => b.name !== void 0 || b.value !== void 0, "must contain name, value or both");
function parseId(c) {
  const raw2 = c.req.param("id") ?? "";
  const id = /^[1-9][0-9]{0,15}$/.test(raw2) ? Number(raw2) : NaN;
  if (!Number.isSafeInteger(id)) {
    return apiError(c, 400, {
      error: "invalid_request",
      error_description: "id must be a positive integer",
      fields: { id: "must be a positive integer" }
    });
  }
  return id;
}
function dataRoutes(data, auth) {
  const app = new Hono15();
  const owner = (c) => c.get("auth").subject;
  app.get("/api/data", auth.read, async (c) => {
    const items = await data.list(owner(c));
    return c.json({ items, count: items.length }, 200, { "Cache-Control": "no-store" });
  });
  app.get("/api/data/:id", auth.read, async (c) => {
    const id = parseId(c);
    if (id instanceof Response) return id;
    const item = await data.get(owner(c), id);
    return item ? c.json(item, 200, { "Cache-Control": "no-store" }) : notFound(c, `item ${id}`);
  });
  app.post("/api/data", auth.write, async (c) => {
    const body = await readJsonBody(c, createBody);
    if (!body.ok) return body.response;
    const item = await data.create(owner(c), body.value);
    return c.json(item, 201, { Location: `/api/data/${item.id}`, "Cache-Control": "no-store" });
  });
  app.put("/api/data/:id", auth.write, async (c) => {
    const id = parseId(c);
    if (id instanceof Response) return id;
    const body = await readJsonBody(c, updateBody);
    if (!body.ok) return body.response;
    const patch = {};
    if (body.value.name !== void 0) patch.name = body.value.name;
    if (body.value.value !== void 0) patch.value = body.value.value;
    const item = await data.update(owner(c), id, patch);
    return item ? c.json(item, 200, { "Cache-Control": "no-store" }) : notFound(c, `item ${id}`);
  });
  app.delete("/api/data/:id", auth.write, async (c) => {
    const id = parseId(c);
    if (id instanceof Response) return id;
    return await data.remove(owner(c), id) ? c.json({ deleted: true, id }, 200) : notFound(c, `item ${id}`);
  });
  return app;
}

// src/api/profile.ts
import { Hono as Hono16 } from "hono";
function profileRoute(read) {
  const app = new Hono16();
  app.get("/api/user/profile", read, (c) => {
    const t = c.get("auth");
    return c.json(
      {
        sub: t.subject,
        client_id: t.clientId,
        scope: t.scopes.join(" "),
        scopes: t.scopes,
        audience: t.audience,
        // Unix seconds, as in the token.
        issued_at: t.issuedAt,
        expires_at: t.expiresAt
      },
      200,
      { "Cache-Control": "no-store" }
    );
  });
  return app;
}

// src/api/routes.ts
var API_MAX_BODY_BYTES = 16 * 1024;
function apiRoutes(deps) {
  const r = serverResources(deps.config.mcpServer.url);
  const common = {
    verifier: deps.verifier,
    resource: r.origin,
    audiences: apiAudiences(r),
    resourceMetadataUrl: protectedResourceMetadataUrl(r.origin),
    // RS-3: a client without a token is told every scope the API uses, so one authorization covers it all.
    allScopes: SUPPORTED_SCOPES
  };
  const read = bearerAuth({ ...common, requiredScopes: ["read"] });
  const write = bearerAuth({ ...common, requiredScopes: ["write"] });
  const app = new Hono17();
  app.use(
    "/api/*",
    bodyLimit2({
      maxSize: API_MAX_BODY_BYTES,
      onError: (c) => apiError(c, 413, { error: "invalid_request", error_description: `request body larger than ${API_MAX_BODY_BYTES} bytes` })
    })
  );
  app.route("/", profileRoute(read));
  app.route("/", dataRoutes(deps.data, { read, write }));
  return app;
}

// src/resource-server/protected-resource-metadata.ts
import { Hono as Hono18 } from "hono";
var RESOURCE_NAME = "oauth-mcp";
function protectedResourceMetadata(resource, issuer, opts = {}) {
  return {
    resource,
    authorization_servers: [issuer],
    scopes_supported: (opts.scopes ?? SUPPORTED_SCOPES).filter((s) => s !== "offline_access"),
    bearer_methods_supported: ["header"],
    resource_name: RESOURCE_NAME,
    ...opts.resourceDocumentation && { resource_documentation: opts.resourceDocumentation }
  };
}
function protectedResourceMetadataRoutes(deps, opts = {}) {
  const app = new Hono18();
  const issuer = deps.config.authServer.issuer;
  const r = serverResources(deps.config.mcpServer.url);
  const json = (doc) => (c) => c.json(doc, 200, { "Cache-Control": "public, max-age=300" });
  app.use("/.well-known/*", publicCors());
  for (const resource of [r.mcp, r.mcpAlias]) {
    app.get(new URL(protectedResourceMetadataUrl(resource)).pathname, json(protectedResourceMetadata(resource, issuer, opts)));
  }
  app.get(new URL(protectedResourceMetadataUrl(r.origin)).pathname, json(protectedResourceMetadata(r.mcp, issuer, opts)));
  const asMetadata = json(authorizationServerMetadata(issuer));
  app.get("/.well-known/oauth-authorization-server", asMetadata);
  app.get("/.well-known/openid-configuration", asMetadata);
  return app;
}

// src/mcp/http/json-rpc-error.ts
function jsonRpcError(status, code, message, id = null) {
  return Response.json({ jsonrpc: "2.0", error: { code, message }, id }, { status });
}
function requestIdOf(body) {
  const id = body && typeof body === "object" && !Array.isArray(body) ? body.id : void 0;
  return typeof id === "string" || typeof id === "number" ? id : null;
}

// src/mcp/http/origin-check.ts
function originCheck(opts) {
  const ownOrigin = new URL(opts.publicUrl).origin;
  const allowAny = opts.allowlist.includes("*");
  return async (c, next) => {
    const origin = c.req.header("origin");
    if (origin === void 0 || allowAny || opts.allowlist.includes(origin) || origin === ownOrigin) return next();
    return jsonRpcError(403, -32e3, `Forbidden: Origin ${origin} is not allowed`);
  };
}

// src/mcp/mcp-routes.ts
import { Hono as Hono19 } from "hono";

// src/mcp/auth-info.ts
function toAuthInfo(token, resourceMetadataUrl) {
  return {
    token: token.token,
    clientId: token.clientId,
    scopes: token.scopes,
    expiresAt: token.expiresAt,
    resource: new URL(token.audience),
    resourceMetadataUrl,
    extra: { subject: token.subject, issuedAt: token.issuedAt, jti: token.jti }
  };
}
function callerFromAuthInfo(auth) {
  const subject = auth?.extra?.["subject"];
  if (!auth || typeof subject !== "string" || auth.expiresAt === void 0) return void 0;
  const issuedAt = auth.extra?.["issuedAt"];
  return {
    subject,
    clientId: auth.clientId,
    scopes: auth.scopes,
    expiresAt: auth.expiresAt,
    issuedAt: typeof issuedAt === "number" ? issuedAt : 0
  };
}

// src/mcp/tool-scopes.ts
function scopesDeclaredBy(tools) {
  const declared = new Set(tools.flatMap((t) => t.requiredScopes));
  return SUPPORTED_SCOPES.filter((s) => declared.has(s));
}
function scopesNeededFor(tools, body) {
  const messages = Array.isArray(body) ? body : [body];
  const needed = /* @__PURE__ */ new Set();
  for (const m of messages) {
    if (!m || typeof m !== "object") continue;
    const { method, params } = m;
    if (method !== "tools/call" || typeof params?.name !== "string") continue;
    for (const s of tools.find((t) => t.name === params.name)?.requiredScopes ?? []) needed.add(s);
  }
  return SUPPORTED_SCOPES.filter((s) => needed.has(s));
}
function stepUpScopes(granted, needed) {
  if (needed.length === 0 || hasScopes(granted, needed)) return void 0;
  const want = /* @__PURE__ */ new Set([...granted, ...needed]);
  return SUPPORTED_SCOPES.filter((s) => want.has(s));
}

// src/mcp/http/scope-gate.ts
function scopeGate(tools, body, token, resourceMetadataUrl) {
  const needed = scopesNeededFor(tools, body);
  const want = stepUpScopes(token.scopes, needed);
  if (!want) return void 0;
  const description = `this tool needs scope ${needed.join(" ")}; the token has ${token.scopes.join(" ") || "none"}`;
  return challengeResponse(insufficientScopeChallenge({ resourceMetadataUrl }, want, description));
}

// src/mcp/routes/plain-routes.ts
var PLAIN_METHODS = ["initialize", "tools/list", "tools/call"];
function plainHandler(runtime, paths, method) {
  return async (c) => {
    const token = c.get("auth");
    const text2 = (await c.req.raw.clone().text()).trim();
    const raw2 = text2 === "" ? void 0 : parseJson2(text2);
    if (raw2 === NOT_JSON) return jsonRpcError(400, -32700, "Parse error: the body is not JSON");
    const envelope = isJsonRpcRequest(raw2) ? raw2 : void 0;
    if (envelope && envelope.method !== method) {
      return jsonRpcError(400, -32600, `Invalid Request: this endpoint serves ${method}, the body names ${envelope.method}`, requestIdOf(raw2));
    }
    const params = (envelope ? envelope.params : raw2) ?? {};
    if (typeof params !== "object" || Array.isArray(params)) return jsonRpcError(400, -32602, "Invalid params: expected a JSON object");
    const id = envelope ? requestIdOf(envelope) ?? 1 : 1;
    const asMessage = { jsonrpc: "2.0", id, method, params };
    const refused2 = scopeGate(runtime.tools, asMessage, token, paths.resourceMetadataUrl);
    if (refused2) return refused2;
    const direct = await runtime.direct();
    const answer = await direct.request(method, params, toAuthInfo(token, paths.resourceMetadataUrl));
    return c.json({ ...answer, id });
  };
}
function isJsonRpcRequest(body) {
  return !!body && typeof body === "object" && body.jsonrpc === "2.0" && typeof body.method === "string";
}
var NOT_JSON = /* @__PURE__ */ Symbol("not-json");
function parseJson2(text2) {
  try {
    return JSON.parse(text2);
  } catch {
    return NOT_JSON;
  }
}

// src/mcp/http/peek-body.ts
async function peekJsonBody(request) {
  if (request.method !== "POST") return void 0;
  const text2 = await request.clone().text();
  if (!text2) return void 0;
  try {
    return JSON.parse(text2);
  } catch {
    return void 0;
  }
}

// src/mcp/routes/sse-routes.ts
function sseOpenHandler(runtime, paths) {
  return (c) => runtime.sse.open(`${paths.base}/messages`, c.get("auth").subject, c.req.raw.signal);
}
function sseMessageHandler(runtime, paths) {
  return async (c) => {
    const token = c.get("auth");
    const body = await peekJsonBody(c.req.raw);
    const refused2 = scopeGate(runtime.tools, body, token, paths.resourceMetadataUrl);
    if (refused2) return refused2;
    return runtime.sse.post(c.req.query("sessionId"), body, toAuthInfo(token, paths.resourceMetadataUrl), token.subject);
  };
}

// src/mcp/routes/streamable-route.ts
import { isLegacyRequest, SUPPORTED_PROTOCOL_VERSIONS } from "@modelcontextprotocol/server";
var isInitialize = (body) => !!body && typeof body === "object" && body.method === "initialize";
function streamableHandler(runtime, paths) {
  return async (c) => {
    const token = c.get("auth");
    const authInfo = toAuthInfo(token, paths.resourceMetadataUrl);
    const request = c.req.raw;
    const sessionId = c.req.header("mcp-session-id");
    const protocolHeader = c.req.header("mcp-protocol-version");
    if (request.method === "GET" && !sessionId && !protocolHeader && (c.req.header("accept") ?? "").includes("text/event-stream")) {
      return runtime.sse.open(`${paths.base}/messages`, token.subject, request.signal);
    }
    const body = await peekJsonBody(request);
    const refused2 = scopeGate(runtime.tools, body, token, paths.resourceMetadataUrl);
    if (refused2) return refused2;
    if (sessionId) return runtime.sessions.handle(sessionId, request, body, authInfo, token.subject);
    if (request.method !== "POST" && protocolHeader && !SUPPORTED_PROTOCOL_VERSIONS.includes(protocolHeader)) return runtime.modern.fetch(request, { authInfo });
    if (request.method === "POST" && body === void 0) return jsonRpcError(400, -32700, "Parse error: the body is not valid JSON");
    if (!await isLegacyRequest(request, body)) return runtime.modern.fetch(request, { authInfo, ...body !== void 0 && { parsedBody: body } });
    if (request.method === "POST" && isInitialize(body)) return runtime.sessions.open(request, body, authInfo, token.subject);
    return jsonRpcError(400, -32e3, "Bad Request: Mcp-Session-Id header is required", requestIdOf(body));
  };
}

// src/mcp/server-managed/managed-auth.ts
function serverManagedAuth(opts) {
  return async (c, next) => {
    if (c.req.header("authorization")) return opts.bearer(c, next);
    try {
      c.set("auth", await opts.verifier.verify(await opts.serverToken.get()));
    } catch (err) {
      opts.logger.error({ err: err.message }, "server-managed mode: no usable server token");
      return jsonRpcError(503, -32e3, "The MCP server could not obtain its own access token from the authorization server");
    }
    await next();
  };
}

// src/mcp/mcp-routes.ts
function mcpRoutes(deps, runtime) {
  const app = new Hono19();
  const resources = serverResources(deps.config.mcpServer.url);
  const allScopes = scopesDeclaredBy(runtime.tools);
  for (const [base, resource] of [
    ["/mcp/v1", resources.mcp],
    ["/mcp", resources.mcpAlias]
  ]) {
    const paths = { base, resourceMetadataUrl: protectedResourceMetadataUrl(resource) };
    const bearer2 = bearerAuth({
      verifier: deps.verifier,
      resource,
      audiences: mcpAudiences(resources),
      resourceMetadataUrl: paths.resourceMetadataUrl,
      requiredScopes: [],
      allScopes
    });
    const auth = runtime.serverToken ? serverManagedAuth({ bearer: bearer2, serverToken: runtime.serverToken, verifier: deps.verifier, logger: deps.logger }) : bearer2;
    app.get(`${base}/sse`, auth, sseOpenHandler(runtime, paths));
    app.post(`${base}/messages`, auth, sseMessageHandler(runtime, paths));
    for (const method of PLAIN_METHODS) app.post(`${base}/${method}`, auth, plainHandler(runtime, paths, method));
    app.on(["GET", "POST", "DELETE"], base, auth, streamableHandler(runtime, paths));
  }
  return app;
}

// src/mcp/runtime.ts
import { createMcpHandler } from "@modelcontextprotocol/server";

// src/mcp/server-pool.ts
var ServerPool = class {
  constructor(create, maxIdle = 32) {
    this.create = create;
    this.maxIdle = maxIdle;
  }
  create;
  maxIdle;
  slots = [];
  acquire(lease) {
    const idle = this.slots.find((s) => s.lease === void 0 && s.server.server.transport === void 0);
    if (idle) {
      idle.lease = lease;
      return idle.server;
    }
    const server = this.create();
    if (this.slots.length < this.maxIdle) this.slots.push({ server, lease });
    return server;
  }
  /** Ends the leases of a request whose exchange has been answered. */
  release(lease) {
    for (const slot of this.slots) if (slot.lease === lease) slot.lease = void 0;
  }
  get size() {
    return this.slots.length;
  }
  async close() {
    await Promise.all(this.slots.map((s) => s.server.close().catch(() => {
    })));
    this.slots.length = 0;
  }
};

// src/mcp/server-factory.ts
import { McpServer } from "@modelcontextprotocol/server";
var SERVER_INFO = { name: "oauth-mcp", title: "OAuth MCP Demo", version: "0.1.0" };
var INSTRUCTIONS = "Tools for your data items behind OAuth. get_user_profile and get_data need the read scope; create_data, update_data and delete_data need write. oauth_authenticate shows who you are signed in as.";
var toolError = (message) => ({ content: [{ type: "text", text: message }], isError: true });
function createToolServer(tools) {
  const server = new McpServer(SERVER_INFO, { capabilities: { tools: { listChanged: false } }, instructions: INSTRUCTIONS });
  for (const tool of tools) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.inputSchema,
        outputSchema: tool.outputSchema,
        annotations: tool.annotations,
        _meta: { "oauth-mcp/requiredScopes": [...tool.requiredScopes] }
      },
      async (args, ctx) => {
        const caller = callerFromAuthInfo(ctx.http?.authInfo);
        if (!caller) return toolError("Not authenticated: this tool needs a bearer access token.");
        if (!hasScopes(caller.scopes, tool.requiredScopes)) {
          return toolError(`Insufficient scope: ${tool.name} needs ${tool.requiredScopes.join(" ")}.`);
        }
        const outcome = await tool.run(args, caller);
        if (!outcome.ok) return toolError(outcome.message);
        return { content: [{ type: "text", text: outcome.text }], structuredContent: outcome.data };
      }
    );
  }
  return server;
}

// src/mcp/sessions/sse-sessions.ts
import { randomUUID as randomUUID4 } from "node:crypto";

// src/mcp/transports/sse-transport.ts
var encoder = new TextEncoder();
var SseServerTransport = class {
  constructor(sessionId, endpoint, keepAliveMs = 15e3) {
    this.sessionId = sessionId;
    this.endpoint = endpoint;
    this.keepAliveMs = keepAliveMs;
    this.stream = new ReadableStream({
      start: (controller) => {
        this.controller = controller;
      },
      cancel: () => {
        void this.close();
      }
    });
  }
  sessionId;
  endpoint;
  keepAliveMs;
  onclose;
  onerror;
  onmessage;
  stream;
  controller;
  keepAlive;
  closed = false;
  async start() {
    this.write(`event: endpoint
data: ${this.endpoint}

`);
    if (this.keepAliveMs > 0) {
      this.keepAlive = setInterval(() => this.write(": keep-alive\n\n"), this.keepAliveMs);
      this.keepAlive.unref?.();
    }
  }
  async send(message) {
    if (this.closed) throw new Error("SSE stream is closed");
    this.write(`event: message
data: ${JSON.stringify(message)}

`);
  }
  /** Hands the messages of one POST to the server; answers go down the stream. */
  receive(messages, authInfo) {
    for (const m of messages) this.onmessage?.(m, { authInfo });
  }
  get isClosed() {
    return this.closed;
  }
  async close() {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.keepAlive);
    try {
      this.controller.close();
    } catch {
    }
    this.onclose?.();
  }
  write(frame) {
    if (this.closed) return;
    try {
      this.controller.enqueue(encoder.encode(frame));
    } catch (err) {
      this.onerror?.(err);
      void this.close();
    }
  }
};

// src/mcp/sessions/sse-sessions.ts
var SseSessions = class {
  constructor(createServer, keepAliveMs = 15e3, maxSessions = 1e4) {
    this.createServer = createServer;
    this.keepAliveMs = keepAliveMs;
    this.maxSessions = maxSessions;
  }
  createServer;
  keepAliveMs;
  maxSessions;
  sessions = /* @__PURE__ */ new Map();
  get size() {
    return this.sessions.size;
  }
  /** Opens the event stream; its first event announces `${messagesPath}?sessionId=...`. */
  async open(messagesPath, subject, signal) {
    if (this.sessions.size >= this.maxSessions) return jsonRpcError(503, -32e3, "Too many open streams; retry later");
    const sessionId = randomUUID4();
    const transport = new SseServerTransport(sessionId, `${messagesPath}?sessionId=${sessionId}`, this.keepAliveMs);
    const server = this.createServer();
    transport.onclose = () => {
      this.sessions.delete(sessionId);
      void server.close().catch(() => {
      });
    };
    this.sessions.set(sessionId, { server, transport, subject });
    await server.connect(transport);
    signal?.addEventListener("abort", () => void transport.close(), { once: true });
    return new Response(transport.stream, {
      status: 200,
      headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-cache, no-transform", Connection: "keep-alive" }
    });
  }
  /** A POST to the message endpoint: 202, the answer goes down the stream. */
  post(sessionId, body, authInfo, subject) {
    const session = sessionId ? this.sessions.get(sessionId) : void 0;
    if (!session || session.subject !== subject || session.transport.isClosed) return jsonRpcError(404, -32001, "Session not found");
    const messages = Array.isArray(body) ? body : [body];
    if (body === void 0 || !messages.every(isJsonRpcMessage)) return jsonRpcError(400, -32700, "Parse error: the body is not a JSON-RPC message");
    session.transport.receive(messages, authInfo);
    return new Response("Accepted", { status: 202 });
  }
  async close() {
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.transport.close()));
  }
};
function isJsonRpcMessage(m) {
  return !!m && typeof m === "object" && m.jsonrpc === "2.0";
}

// src/mcp/sessions/streamable-sessions.ts
import { randomUUID as randomUUID5 } from "node:crypto";
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/server";
var StreamableSessions = class {
  constructor(opts) {
    this.opts = opts;
    this.idleMs = opts.idleMs ?? 30 * 6e4;
    this.maxSessions = opts.maxSessions ?? 1e4;
    this.now = opts.now ?? Date.now;
    this.sweeper = setInterval(() => void this.sweep(), Math.min(this.idleMs, 6e4));
    this.sweeper.unref?.();
  }
  opts;
  sessions = /* @__PURE__ */ new Map();
  idleMs;
  maxSessions;
  now;
  sweeper;
  get size() {
    return this.sessions.size;
  }
  /** An initialize request without a session id: opens a session (TR-2: the id comes back in Mcp-Session-Id). */
  async open(request, parsedBody, authInfo, subject) {
    if (this.sessions.size >= this.maxSessions) await this.sweep();
    if (this.sessions.size >= this.maxSessions) return jsonRpcError(503, -32e3, "Too many open sessions; retry later");
    const server = this.opts.createServer();
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: randomUUID5,
      onsessioninitialized: (id) => {
        this.sessions.set(id, { server, transport, subject, lastSeen: this.now() });
      },
      onsessionclosed: (id) => {
        this.sessions.delete(id);
      }
    });
    transport.onclose = () => {
      if (transport.sessionId) this.sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    const response = await transport.handleRequest(request, { parsedBody, authInfo });
    if (!transport.sessionId || !this.sessions.has(transport.sessionId)) await server.close().catch(() => {
    });
    return response;
  }
  /** A request carrying Mcp-Session-Id: GET stream, POST, or DELETE (TR-2, TR-3). */
  async handle(sessionId, request, parsedBody, authInfo, subject) {
    const session = this.sessions.get(sessionId);
    if (!session || session.subject !== subject) return jsonRpcError(404, -32001, "Session not found");
    session.lastSeen = this.now();
    return session.transport.handleRequest(request, { parsedBody, authInfo });
  }
  async close() {
    clearInterval(this.sweeper);
    const all = [...this.sessions.values()];
    this.sessions.clear();
    await Promise.all(all.map((s) => s.server.close().catch(() => {
    })));
  }
  /** Closes the sessions idle for longer than idleMs; runs on a timer, callable for tests. */
  async sweep() {
    const cutoff = this.now() - this.idleMs;
    for (const [id, s] of this.sessions) {
      if (s.lastSeen >= cutoff) continue;
      this.sessions.delete(id);
      await s.server.close().catch(() => {
      });
    }
  }
};

// src/mcp/tools/create-data.ts
import { z as z7 } from "zod";

// src/mcp/tools/item-schema.ts
import { z as z6 } from "zod";
var dataItemSchema = z6.object({
  id: z6.number().int(),
  name: z6.string(),
  value: z6.number(),
  created_at: z6.string(),
  updated_at: z6.string()
});
var itemIdSchema = z6.number({ error: "item_id must be a number (the id of one of your data items)" }).int({ error: "item_id must be a whole number" }).positive({ error: "item_id must be positive" });
var itemNameSchema = z6.string({ error: "name is required and must be a string" }).trim().min(1, { error: "name must not be empty" }).max(200, { error: "name must be at most 200 characters" });
var itemValueSchema = z6.number({ error: "value must be a number" }).refine(Number.isFinite, { error: "value must be a finite number" });

// src/mcp/tools/types.ts
function defineTool(tool) {
  return tool;
}

// src/mcp/tools/create-data.ts
var createDataTool = (deps) => defineTool({
  name: "create_data",
  title: "Create data item",
  description: "Creates a data item with a name and a numeric value.",
  requiredScopes: ["write"],
  inputSchema: z7.object({
    name: itemNameSchema.describe("Name of the item"),
    value: itemValueSchema.describe("Numeric value of the item")
  }),
  outputSchema: z7.object({ item: dataItemSchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: false },
  async run({ name: name2, value: value2 }, caller) {
    const item = await deps.data.create(caller.subject, { name: name2, value: value2 });
    return { ok: true, data: { item }, text: `Created item #${item.id} ${item.name} = ${item.value}.` };
  }
});

// src/mcp/tools/delete-data.ts
import { z as z8 } from "zod";
var deleteDataTool = (deps) => defineTool({
  name: "delete_data",
  title: "Delete data item",
  description: "Deletes one of your data items, by id.",
  requiredScopes: ["write"],
  inputSchema: z8.object({ item_id: itemIdSchema.describe("Id of the item to delete") }),
  outputSchema: z8.object({ deleted: z8.boolean(), item_id: z8.number().int() }),
  annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  async run({ item_id }, caller) {
    const deleted = await deps.data.remove(caller.subject, item_id);
    if (!deleted) return { ok: false, message: `No data item with id ${item_id}. Call get_data to see your items.` };
    return { ok: true, data: { deleted: true, item_id }, text: `Deleted item #${item_id}.` };
  }
});

// src/mcp/tools/get-data.ts
import { z as z9 } from "zod";
var getDataTool = (deps) => defineTool({
  name: "get_data",
  title: "List data items",
  description: "Lists your data items (id, name, numeric value, timestamps).",
  requiredScopes: ["read"],
  inputSchema: z9.object({}),
  outputSchema: z9.object({ items: z9.array(dataItemSchema), count: z9.number().int() }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async run(_args, caller) {
    const items = await deps.data.list(caller.subject);
    const lines = items.map((i) => `#${i.id} ${i.name} = ${i.value}`);
    const text2 = items.length ? `${items.length} item(s):
${lines.join("\n")}` : "No data items yet.";
    return { ok: true, data: { items, count: items.length }, text: text2 };
  }
});

// src/mcp/tools/get-user-profile.ts
import { z as z10 } from "zod";
var getUserProfileTool = (deps) => defineTool({
  name: "get_user_profile",
  title: "Get user profile",
  description: "Returns the profile of the signed-in user: id, the client acting for them, granted scopes and item count.",
  requiredScopes: ["read"],
  inputSchema: z10.object({}),
  outputSchema: z10.object({
    user_id: z10.string(),
    client_id: z10.string(),
    scopes: z10.array(z10.string()),
    data_item_count: z10.number().int()
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async run(_args, caller) {
    const items = await deps.data.list(caller.subject);
    const data = { user_id: caller.subject, client_id: caller.clientId, scopes: caller.scopes, data_item_count: items.length };
    return { ok: true, data, text: `User ${caller.subject} (client ${caller.clientId}) has ${items.length} data item(s).` };
  }
});

// src/mcp/tools/oauth-authenticate.ts
import { z as z11 } from "zod";
var oauthAuthenticateTool = (deps) => defineTool({
  name: "oauth_authenticate",
  title: "Who am I",
  description: "Shows the OAuth identity this connection uses: subject, client, granted scopes and when the access token expires.",
  requiredScopes: [],
  inputSchema: z11.object({}),
  outputSchema: z11.object({
    authenticated: z11.boolean(),
    subject: z11.string(),
    client_id: z11.string(),
    scopes: z11.array(z11.string()),
    expires_at: z11.string(),
    expires_in: z11.number().int(),
    mode: z11.enum(["oauth", "server-managed"])
  }),
  annotations: { readOnlyHint: true, idempotentHint: true, openWorldHint: false },
  async run(_args, presented) {
    const caller = deps.serverManaged ? await deps.serverManaged.reacquire() : presented;
    const expiresIn = Math.max(0, caller.expiresAt - deps.clock());
    const data = {
      authenticated: true,
      subject: caller.subject,
      client_id: caller.clientId,
      scopes: caller.scopes,
      expires_at: new Date(caller.expiresAt * 1e3).toISOString(),
      expires_in: expiresIn,
      mode: deps.serverManaged ? "server-managed" : "oauth"
    };
    const scopes = caller.scopes.length ? caller.scopes.join(" ") : "(none)";
    return {
      ok: true,
      data,
      text: `${deps.serverManaged ? "Obtained a new server token. " : ""}Authenticated as ${caller.subject} via client ${caller.clientId}; scopes: ${scopes}; token expires in ${expiresIn} s.`
    };
  }
});

// src/mcp/tools/update-data.ts
import { z as z12 } from "zod";
var updateDataTool = (deps) => defineTool({
  name: "update_data",
  title: "Update data item",
  description: "Changes the name and/or the value of one of your data items, by id.",
  requiredScopes: ["write"],
  inputSchema: z12.object({
    item_id: itemIdSchema.describe("Id of the item to change"),
    name: itemNameSchema.optional().describe("New name"),
    value: itemValueSchema.optional().describe("New numeric value")
  }),
  outputSchema: z12.object({ item: dataItemSchema }),
  annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
  async run({ item_id, name: name2, value: value2 }, caller) {
    if (name2 === void 0 && value2 === void 0) return { ok: false, message: "Nothing to change: give a name, a value or both." };
    const patch = { ...name2 !== void 0 && { name: name2 }, ...value2 !== void 0 && { value: value2 } };
    const item = await deps.data.update(caller.subject, item_id, patch);
    if (!item) return { ok: false, message: `No data item with id ${item_id}. Call get_data to see your items.` };
    return { ok: true, data: { item }, text: `Updated item #${item.id}: ${item.name} = ${item.value}.` };
  }
});

// src/mcp/tools/index.ts
function allTools(deps) {
  return [
    oauthAuthenticateTool(deps),
    getUserProfileTool(deps),
    getDataTool(deps),
    createDataTool(deps),
    updateDataTool(deps),
    deleteDataTool(deps)
  ];
}

// src/mcp/transports/direct-transport.ts
var DirectTransport = class {
  onclose;
  onerror;
  onmessage;
  pending = /* @__PURE__ */ new Map();
  nextId = 0;
  async start() {
  }
  async send(message) {
    if (!("id" in message) || !("result" in message || "error" in message)) return;
    const key = String(message.id);
    const resolve = this.pending.get(key);
    if (!resolve) return;
    this.pending.delete(key);
    resolve(message);
  }
  async close() {
    for (const [key, resolve] of this.pending) {
      resolve({ jsonrpc: "2.0", id: key, error: { code: -32e3, message: "Connection closed" } });
    }
    this.pending.clear();
    this.onclose?.();
  }
  /** Dispatches one request and resolves with the server's response (its id is the internal one). */
  request(method, params, authInfo) {
    const id = `direct-${++this.nextId}`;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      const message = { jsonrpc: "2.0", id, method, ...params !== void 0 && { params } };
      if (!this.onmessage) {
        this.pending.delete(id);
        resolve({ jsonrpc: "2.0", id, error: { code: -32e3, message: "Not connected" } });
        return;
      }
      this.onmessage(message, { authInfo });
    });
  }
};

// src/mcp/server-managed/server-token.ts
var ServerToken = class {
  constructor(opts) {
    this.opts = opts;
    this.credentials = opts.credentials;
  }
  opts;
  held;
  credentials;
  inflight;
  endpoints;
  /** A token with more than renewBeforeSeconds left, obtaining a new one when needed. */
  async get() {
    const renewBefore = this.opts.renewBeforeSeconds ?? 60;
    if (this.held && this.held.expiresAt - renewBefore > this.opts.clock()) return this.held.accessToken;
    return this.acquire();
  }
  /** Obtains a new token now, whatever the state of the current one. */
  acquire() {
    this.inflight ??= this.request().finally(() => {
      this.inflight = void 0;
    });
    return this.inflight;
  }
  /** The client the server acts as, once known. */
  get clientId() {
    return this.credentials?.clientId;
  }
  async request() {
    const endpoints = await this.discover();
    const creds = this.credentials ?? await this.register(endpoints.registration);
    const basic = Buffer.from(`${encodeURIComponent(creds.clientId)}:${encodeURIComponent(creds.clientSecret)}`).toString("base64");
    const res = await this.opts.fetch(endpoints.token, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}`, accept: "application/json" },
      body: new URLSearchParams({ grant_type: "client_credentials", scope: this.opts.scope, resource: this.opts.resource })
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok || typeof body.access_token !== "string") {
      throw new Error(`server-managed token request refused: ${res.status} ${body.error ?? ""}`.trim());
    }
    this.held = { accessToken: body.access_token, expiresAt: this.opts.clock() + (body.expires_in ?? 300) };
    this.opts.logger.info({ event: "server_token_acquired", clientId: creds.clientId, expiresIn: body.expires_in }, "server-managed token obtained");
    return body.access_token;
  }
  async discover() {
    if (this.endpoints) return this.endpoints;
    const res = await this.opts.fetch(`${this.opts.issuer}/.well-known/oauth-authorization-server`, { headers: { accept: "application/json" } });
    if (!res.ok) throw new Error(`authorization server metadata unavailable: ${res.status}`);
    const meta = await res.json();
    if (!meta.token_endpoint) throw new Error("authorization server metadata has no token_endpoint");
    this.endpoints = { token: meta.token_endpoint, ...meta.registration_endpoint && { registration: meta.registration_endpoint } };
    return this.endpoints;
  }
  async register(endpoint) {
    if (!endpoint) throw new Error("no client credentials configured and the authorization server offers no registration");
    const res = await this.opts.fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "application/json" },
      body: JSON.stringify({
        client_name: "oauth-mcp server (server-managed mode)",
        grant_types: ["client_credentials"],
        token_endpoint_auth_method: "client_secret_basic",
        scope: this.opts.scope
      })
    });
    const body = await res.json().catch(() => ({}));
    if (!res.ok || !body.client_id || !body.client_secret) {
      throw new Error(`server-managed registration refused: ${res.status} ${body.error_description ?? ""}`.trim());
    }
    this.credentials = { clientId: body.client_id, clientSecret: body.client_secret };
    return this.credentials;
  }
};

// src/mcp/runtime.ts
function createMcpRuntime(deps, opts = {}) {
  const serverToken = deps.config.mcpAuthMode === "server-managed" ? createServerToken(deps) : void 0;
  const serverManaged = serverToken && {
    async reacquire() {
      const v = await deps.verifier.verify(await serverToken.acquire());
      return { subject: v.subject, clientId: v.clientId, scopes: v.scopes, expiresAt: v.expiresAt, issuedAt: v.issuedAt };
    }
  };
  const tools = allTools({ data: deps.data, clock: deps.clock, ...serverManaged && { serverManaged } });
  const newServer = () => createToolServer(tools);
  const pool = new ServerPool(newServer);
  const onerror = (err) => deps.logger.debug({ err: err.message }, "mcp request refused");
  const entry = createMcpHandler((ctx) => pool.acquire(ctx.requestInfo ?? {}), { legacy: "reject", onerror });
  const modern = {
    async fetch(request, options) {
      try {
        return await entry.fetch(request, options);
      } finally {
        pool.release(request);
      }
    }
  };
  const sessions = new StreamableSessions({
    createServer: newServer,
    ...opts.sessionIdleMs !== void 0 && { idleMs: opts.sessionIdleMs },
    ...opts.sessionNow && { now: opts.sessionNow }
  });
  const sse = new SseSessions(newServer, opts.sseKeepAliveMs);
  let direct;
  const directServer = newServer();
  return {
    tools,
    modern,
    pool,
    sessions,
    sse,
    ...serverToken && { serverToken },
    direct: () => direct ??= (async () => {
      const transport = new DirectTransport();
      await directServer.connect(transport);
      return transport;
    })(),
    async close() {
      await Promise.all([entry.close(), sessions.close(), sse.close(), pool.close(), directServer.close().catch(() => {
      })]);
    }
  };
}
function createServerToken(deps) {
  const { config } = deps;
  return new ServerToken({
    issuer: config.authServer.issuer,
    resource: serverResources(config.mcpServer.url).mcp,
    scope: scopesDeclaredBy(allTools({ data: deps.data, clock: deps.clock })).join(" "),
    ...config.demo.enabled && { credentials: { clientId: config.demo.clientId, clientSecret: config.demo.clientSecret } },
    fetch: deps.fetch ?? fetch,
    clock: deps.clock,
    logger: deps.logger
  });
}

// src/mcp/app.ts
var MAX_MCP_BODY_BYTES = 1024 * 1024;
var LOOPBACK_HOSTS2 = ["127.0.0.1", "localhost", "[::1]", "::1"];
function createMcpServerApp(deps, runtime = createMcpRuntime(deps)) {
  const app = new Hono20();
  app.onError(errorHandler(deps.logger));
  app.notFound((c) => c.json({ error: "not_found", error_description: `no route for ${c.req.method} ${c.req.path}` }, 404));
  app.use("*", secureHeaders2({ crossOriginResourcePolicy: false }));
  if (LOOPBACK_HOSTS2.includes(deps.config.mcpServer.host)) {
    const publicHost = new URL(deps.config.mcpServer.url).hostname;
    app.use("*", hostHeaderValidation([.../* @__PURE__ */ new Set(["127.0.0.1", "localhost", "[::1]", publicHost])]));
  }
  for (const path of ["/mcp", "/mcp/*", "/api/*"]) {
    app.use(path, allowlistCors(deps.config.corsOrigins));
    app.use(path, originCheck({ allowlist: deps.config.corsOrigins, publicUrl: deps.config.mcpServer.url }));
  }
  app.use(
    "*",
    bodyLimit3({
      maxSize: MAX_MCP_BODY_BYTES,
      onError: () => {
        throw new OAuthError("invalid_request", `request body larger than ${MAX_MCP_BODY_BYTES} bytes`, { status: 413 });
      }
    })
  );
  app.get(
    "/health",
    (c) => c.json({ status: "healthy", service: "mcp-server", auth_mode: deps.config.mcpAuthMode, tools: runtime.tools.map((t) => t.name) })
  );
  app.route("/", protectedResourceMetadataRoutes(deps, { scopes: scopesDeclaredBy(runtime.tools) }));
  app.route("/", apiRoutes(deps));
  app.route("/", mcpRoutes(deps, runtime));
  return app;
}

// src/resource-server/jwt-verifier.ts
import { errors as errors2, jwtVerify as jwtVerify3 } from "jose";

// src/resource-server/jwks-source.ts
import { createLocalJWKSet as createLocalJWKSet3, errors } from "jose";
var JwksUnavailableError = class extends Error {
  name = "JwksUnavailableError";
};
var MAX_JWKS_BYTES = 64 * 1024;
function httpJwksFetcher(url, opts = {}) {
  const doFetch = opts.fetch ?? fetch;
  return async () => {
    const res = await doFetch(url, {
      headers: { accept: "application/json" },
      redirect: "error",
      signal: AbortSignal.timeout(opts.timeoutMs ?? 5e3)
    });
    if (!res.ok) throw new Error(`JWKS fetch from ${url} answered ${res.status}`);
    const text2 = await res.text();
    if (text2.length > MAX_JWKS_BYTES) throw new Error(`JWKS from ${url} is larger than ${MAX_JWKS_BYTES} bytes`);
    return JSON.parse(text2);
  };
}
var JwksCache = class {
  constructor(opts) {
    this.opts = opts;
    this.cooldown = opts.cooldownSeconds ?? 30;
    this.maxAge = opts.maxAgeSeconds ?? 600;
    this.retryAfterFailure = opts.retryAfterFailureSeconds ?? 5;
  }
  opts;
  local;
  fetchedAt = Number.NEGATIVE_INFINITY;
  failedAt = Number.NEGATIVE_INFINITY;
  inflight;
  cooldown;
  maxAge;
  retryAfterFailure;
  async getKey(header, token) {
    const now = this.opts.clock();
    if (!this.local) {
      await this.refresh();
    } else if (now - this.fetchedAt >= this.maxAge && now - this.failedAt >= this.retryAfterFailure) {
      await this.refresh().catch(() => void 0);
    }
    try {
      return await this.local(header, token);
    } catch (err) {
      if (!(err instanceof errors.JWKSNoMatchingKey)) throw err;
      if (this.opts.clock() - this.fetchedAt < this.cooldown) throw err;
      await this.refresh();
      return await this.local(header, token);
    }
  }
  /** One fetch at a time: concurrent callers share it. */
  refresh() {
    if (this.inflight) return this.inflight;
    if (this.opts.clock() - this.failedAt < this.retryAfterFailure) {
      return Promise.reject(new JwksUnavailableError("JWKS unavailable (last fetch failed; retrying later)"));
    }
    this.inflight = (async () => {
      try {
        const jwks = await this.opts.fetchJwks();
        this.local = createLocalJWKSet3(jwks);
        this.fetchedAt = this.opts.clock();
      } catch (cause) {
        this.failedAt = this.opts.clock();
        throw new JwksUnavailableError("JWKS fetch failed", { cause });
      } finally {
        this.inflight = void 0;
      }
    })();
    return this.inflight;
  }
};

// src/resource-server/token-cache.ts
var VerifiedTokenCache = class {
  constructor(maxEntries, skewSeconds) {
    this.maxEntries = maxEntries;
    this.skewSeconds = skewSeconds;
  }
  maxEntries;
  skewSeconds;
  entries = /* @__PURE__ */ new Map();
  lastSweep = Number.NEGATIVE_INFINITY;
  get size() {
    return this.entries.size;
  }
  get(token, now) {
    const hit = this.entries.get(token);
    if (!hit) return void 0;
    if (this.expired(hit, now)) {
      this.entries.delete(token);
      return void 0;
    }
    return hit;
  }
  set(token, value2, now) {
    if (this.maxEntries <= 0) return;
    if (this.entries.size >= this.maxEntries) {
      if (now - this.lastSweep >= 60) {
        this.lastSweep = now;
        for (const [k, v] of this.entries) if (this.expired(v, now)) this.entries.delete(k);
      }
      if (this.entries.size >= this.maxEntries) {
        const oldest = this.entries.keys().next();
        if (!oldest.done) this.entries.delete(oldest.value);
      }
    }
    this.entries.set(token, value2);
  }
  /** Mirrors jose's rule: a token is expired once exp <= now - skew. */
  expired(v, now) {
    return v.expiresAt <= now - this.skewSeconds;
  }
};

// src/resource-server/jwt-verifier.ts
var ALGORITHMS = ["ES256"];
var REQUIRED_CLAIMS = ["iss", "sub", "aud", "client_id", "exp", "iat", "jti"];
var MAX_TOKEN_LENGTH = 8 * 1024;
var JwtVerifier = class {
  constructor(opts) {
    this.opts = opts;
    this.keys = opts.keys ?? new JwksCache({ fetchJwks: httpJwksFetcher(`${opts.issuer}/.well-known/jwks.json`), clock: opts.clock });
    this.audiences = opts.audiences.map((a) => canonicalResource(a) ?? a);
    this.skew = opts.clockSkewSeconds ?? 30;
    this.cache = new VerifiedTokenCache(opts.cacheSize ?? 1e4, this.skew);
  }
  opts;
  keys;
  audiences;
  skew;
  cache;
  /** Verifications under way, so a burst of requests with one new token does the signature work once. */
  pending = /* @__PURE__ */ new Map();
  async verify(token) {
    const now = this.opts.clock();
    const verified = this.cache.get(token, now) ?? await this.verifyOnce(token, now);
    if (this.opts.isRevoked) {
      let revoked;
      try {
        revoked = await this.opts.isRevoked(verified.jti, verified);
      } catch (cause) {
        throw new OAuthError("invalid_token", "token status could not be checked", { cause });
      }
      if (revoked) throw new OAuthError("invalid_token", "token revoked");
    }
    return verified;
  }
  verifyOnce(token, now) {
    let p = this.pending.get(token);
    if (!p) {
      p = this.verifyUncached(token, now).finally(() => this.pending.delete(token));
      this.pending.set(token, p);
    }
    return p;
  }
  async verifyUncached(token, now) {
    if (token.length > MAX_TOKEN_LENGTH) throw new OAuthError("invalid_token", "malformed token");
    let payload;
    try {
      ({ payload } = await jwtVerify3(token, (header, input) => this.keys.getKey(header, input), {
        algorithms: ALGORITHMS,
        // RFC 9068 §4: typ must be at+jwt (jose also accepts application/at+jwt, as §4 allows).
        typ: "at+jwt",
        issuer: this.opts.issuer,
        requiredClaims: REQUIRED_CLAIMS,
        clockTolerance: this.skew,
        currentDate: new Date(now * 1e3)
      }));
    } catch (cause) {
      throw new OAuthError("invalid_token", reasonFor(cause), { cause });
    }
    const result = this.toVerifiedToken(token, payload);
    this.cache.set(token, result, now);
    return result;
  }
  toVerifiedToken(token, p) {
    const tokenAudiences = (Array.isArray(p.aud) ? p.aud : [p.aud]).map((a) => canonicalResource(String(a)));
    const audience = this.audiences.find((a) => tokenAudiences.includes(a));
    if (!audience) throw new OAuthError("invalid_token", "token not issued for this resource");
    const { sub, client_id: clientId, jti, scope, iat, exp, grant_id: grantId } = p;
    for (const [name2, value2] of [["sub", sub], ["client_id", clientId], ["jti", jti]]) {
      if (typeof value2 !== "string" || value2 === "") throw new OAuthError("invalid_token", `invalid ${name2} claim`);
    }
    if (scope !== void 0 && typeof scope !== "string") throw new OAuthError("invalid_token", "invalid scope claim");
    if (grantId !== void 0 && typeof grantId !== "string") throw new OAuthError("invalid_token", "invalid grant_id claim");
    return {
      token,
      subject: sub,
      clientId,
      scopes: parseScope(scope),
      audience,
      expiresAt: exp,
      issuedAt: iat,
      jti,
      ...grantId !== void 0 && { grantId }
    };
  }
};
function reasonFor(err) {
  if (err instanceof errors2.JWTExpired) return "token expired";
  if (err instanceof errors2.JWTClaimValidationFailed) {
    if (err.reason === "missing") return `missing ${err.claim} claim`;
    switch (err.claim) {
      case "nbf":
        return "token not yet valid";
      case "iss":
        return "token from an unexpected issuer";
      case "typ":
        return "not an access token (typ must be at+jwt)";
      default:
        return `invalid ${err.claim} claim`;
    }
  }
  if (err instanceof errors2.JOSEAlgNotAllowed) return "signing algorithm not allowed";
  if (err instanceof errors2.JWSSignatureVerificationFailed) return "invalid signature";
  if (err instanceof errors2.JWKSNoMatchingKey) return "unknown signing key";
  if (err instanceof errors2.JWSInvalid || err instanceof errors2.JWTInvalid) return "malformed token";
  if (err instanceof JwksUnavailableError) return "token signing keys unavailable";
  return "invalid token";
}
function verifierForServer(config, clock2, extra = {}) {
  return new JwtVerifier({
    issuer: config.authServer.issuer,
    audiences: apiAudiences(serverResources(config.mcpServer.url)),
    clock: clock2,
    ...extra
  });
}

// src/resource-server/revocation-check.ts
var DEFAULT_REVOCATION_TTL_MS = 5e3;
var AnswerCache = class {
  constructor(ttlMs, maxEntries) {
    this.ttlMs = ttlMs;
    this.maxEntries = maxEntries;
  }
  ttlMs;
  maxEntries;
  entries = /* @__PURE__ */ new Map();
  get(key, now) {
    const e = this.entries.get(key);
    if (!e) return void 0;
    if (e.revoked || now - e.at < this.ttlMs) return e.revoked;
    this.entries.delete(key);
    return void 0;
  }
  set(key, revoked, now) {
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { revoked, at: now });
  }
};
function revocationCheck(source, options = {}) {
  const ttl = options.ttlMs ?? DEFAULT_REVOCATION_TTL_MS;
  const max = options.maxEntries ?? 1e4;
  const now = options.now ?? Date.now;
  const byJti = new AnswerCache(ttl, max);
  const byGrant = new AnswerCache(ttl, max);
  const cached = async (cache, key, lookup2) => {
    const t = now();
    const hit = cache.get(key, t);
    if (hit !== void 0) return hit;
    const revoked = await lookup2();
    cache.set(key, revoked, t);
    return revoked;
  };
  return async function isRevoked(jti, token) {
    const grantId = token?.grantId;
    const [jtiRevoked, grantRevoked] = await Promise.all([
      cached(byJti, jti, () => source.isAccessTokenRevoked(jti)),
      grantId ? cached(byGrant, grantId, async () => {
        const grant = await source.getGrant(grantId);
        return !grant || grant.revokedAt !== null;
      }) : false
    ]);
    return jtiRevoked || grantRevoked;
  };
}

// src/runtime/mcp-server.ts
async function buildMcpServer(config, base) {
  const isRevoked = revocationCheck(base.store);
  const verifier = verifierForServer(config, base.clock, { isRevoked });
  const deps = { config, clock: base.clock, logger: base.logger, verifier, data: new DataService(base.store, base.clock) };
  const runtime = createMcpRuntime(deps);
  return { app: createMcpServerApp(deps, runtime), deps, close: () => runtime.close() };
}

// src/cli/banner.ts
function banner(config, only) {
  const issuer = config.authServer.issuer;
  const mcp = `${config.mcpServer.url}/mcp/v1`;
  const lines = ["", "oauth-mcp is running", ""];
  if (only !== "mcp") lines.push(`  Authorization server  ${issuer}   (metadata: ${issuer}/.well-known/oauth-authorization-server)`);
  if (only !== "auth") lines.push(`  MCP server            ${mcp}   (alias ${config.mcpServer.url}/mcp, REST API ${config.mcpServer.url}/api)`);
  lines.push(`  Database              ${config.databaseUrl.replace(/\/\/[^@/]*@/, "//***@")}`);
  lines.push("");
  if (config.demo.enabled) {
    lines.push(
      "  DEMO MODE: every authorization is approved automatically as the demo user, with no login page.",
      "  Never expose this to a network. Set DEMO_MODE=false for real login and consent.",
      `  Demo client: ${config.demo.clientId} / ${config.demo.clientSecret}   demo code: ${config.demo.authorizationCode}`,
      ""
    );
  }
  if (config.mcpAuthMode === "server-managed") {
    lines.push(
      "  SERVER-MANAGED AUTH: the MCP server holds its own token; clients connect without OAuth and act as",
      "  the server's client. Per-user identity, consent and revocation are given up. Use only locally.",
      ""
    );
  }
  if (only !== "auth") {
    lines.push(
      "  Connect a client:",
      `    Claude Code     claude mcp add --transport http oauth-mcp ${mcp}`,
      `    Cursor          ~/.cursor/mcp.json: {"mcpServers": {"oauth-mcp": {"url": "${mcp}"}}}`,
      `    VS Code         .vscode/mcp.json: {"servers": {"oauth-mcp": {"type": "http", "url": "${mcp}"}}}`,
      `    Claude Desktop  {"mcpServers": {"oauth-mcp": {"command": "npx", "args": ["mcp-remote", "${mcp}"]}}}`,
      `    mcp-remote      npx mcp-remote ${mcp}`,
      `    MCP Inspector   npx @modelcontextprotocol/inspector  (transport Streamable HTTP, URL ${mcp})`,
      ""
    );
  }
  lines.push("  Stop with Ctrl-C.", "");
  return lines.join("\n");
}

// src/cli/start.ts
var PURGE_EVERY_MS = 10 * 6e4;
var KEY_RELOAD_EVERY_MS = 6e4;
var UNUSED_REGISTRATION_SECONDS = 24 * 3600;
function parseOnly(args) {
  const i = args.indexOf("--only");
  if (i === -1) return "both";
  const v = args[i + 1];
  return v === "auth" || v === "mcp" ? v : new Error("--only takes auth or mcp");
}
async function runStartCommand(args, io2) {
  const only = parseOnly(args);
  if (only instanceof Error) {
    io2.stderr.write(`oauth-mcp: ${only.message}
`);
    return 2;
  }
  const config = loadCliConfig(io2);
  const logger = cliLogger(config);
  const store = await openStore(config.databaseUrl);
  const servers = [];
  const timers = [];
  const cleanups = [];
  try {
    if (only !== "mcp") {
      const auth = await buildAuthServer(config, { store, logger, clock });
      servers.push(await listen(auth.app, config.authServer.host, config.authServer.port));
      timers.push(setInterval(() => void auth.deps.keys.reload().catch((err) => logger.error({ err }, "key reload failed")), KEY_RELOAD_EVERY_MS));
      timers.push(setInterval(() => void purge(store, logger), PURGE_EVERY_MS));
    }
    if (only !== "auth") {
      const mcp = await buildMcpServer(config, { store, logger, clock });
      cleanups.push(mcp.close);
      servers.push(await listen(mcp.app, config.mcpServer.host, config.mcpServer.port));
    }
  } catch (err) {
    await Promise.all(servers.map((s) => s.close(0)));
    await store.close();
    throw portHint(err, config);
  }
  for (const t of timers) t.unref();
  io2.stdout.write(banner(config, only));
  await waitForSignal(logger);
  for (const t of timers) clearInterval(t);
  await Promise.all(servers.map((s) => s.close()));
  for (const cleanup of cleanups) await cleanup();
  await store.close();
  logger.info("stopped");
  return 0;
}
async function purge(store, logger) {
  try {
    const now = clock();
    const expired2 = await store.purgeExpired(now);
    const clients = await store.purgeUnusedPublicClients(now - UNUSED_REGISTRATION_SECONDS);
    logger.debug({ expired: expired2, clients }, "purged");
  } catch (err) {
    logger.error({ err }, "purge failed");
  }
}
function waitForSignal(logger) {
  return new Promise((resolve) => {
    const stop = (signal) => {
      logger.info({ signal }, "shutting down: finishing in-flight requests");
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      resolve();
    };
    process.on("SIGINT", stop);
    process.on("SIGTERM", stop);
  });
}
function portHint(err, config) {
  if (err.code === "EADDRINUSE") {
    return new Error(
      `port already in use (${config.authServer.port} or ${config.mcpServer.port}); stop the other process (lsof -i :${config.authServer.port}) or set OAUTH_SERVER_PORT / MCP_SERVER_PORT`
    );
  }
  return err;
}

// src/cli/users.ts
var USAGE3 = `usage: oauth-mcp users <command>

  add <username> [--admin]   create a user; the password is asked for (or read from stdin's first line)
  list                       show every user
  remove <username>          delete a user and revoke every access they granted
  passwd <username>          set a new password (asked for, or read from stdin's first line)

Passwords are never taken from the command line, where other users and shell history could read them.
`;
function readHidden(stdin, io2, prompt) {
  io2.stderr.write(prompt);
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value2 = "";
    const finish = () => {
      stdin.off("data", onData);
      stdin.setRawMode(false);
      stdin.pause();
      io2.stderr.write("\n");
    };
    const onData = (chunk) => {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n" || ch === "") return finish(), resolve(value2);
        if (ch === "") return finish(), reject(new UserError("cancelled"));
        if (ch === "\x7F" || ch === "\b") value2 = value2.slice(0, -1);
        else value2 += ch;
      }
    };
    stdin.on("data", onData);
  });
}
function readFirstLine(stdin) {
  return new Promise((resolve, reject) => {
    let buffered = "";
    const finish = (line) => {
      stdin.off("data", onData);
      stdin.off("end", onEnd);
      stdin.off("error", reject);
      stdin.pause();
      resolve(line.replace(/\r$/, ""));
    };
    const onData = (chunk) => {
      buffered += String(chunk);
      const nl = buffered.indexOf("\n");
      if (nl !== -1) finish(buffered.slice(0, nl));
    };
    const onEnd = () => finish(buffered);
    stdin.on("data", onData);
    stdin.on("end", onEnd);
    stdin.on("error", reject);
    stdin.resume();
  });
}
async function readNewPassword(io2) {
  const stdin = io2.stdin;
  if (!stdin.isTTY || typeof stdin.setRawMode !== "function") return readFirstLine(stdin);
  const first = await readHidden(stdin, io2, "Password: ");
  const second = await readHidden(stdin, io2, "Repeat password: ");
  if (first !== second) throw new UserError("the two passwords differ");
  return first;
}
async function run(users, args, io2) {
  const [sub, ...rest] = args;
  if (rest.some((a) => a.startsWith("--password"))) {
    io2.stderr.write("oauth-mcp: passwords are not taken from the command line; type it at the prompt or pipe it on stdin\n");
    return 2;
  }
  const username = rest.find((a) => !a.startsWith("--"));
  switch (sub) {
    case "list":
    case void 0: {
      for (const u of await users.list()) {
        const flags = [u.isAdmin ? "admin" : "", u.passwordHash === null ? "no password" : ""].filter(Boolean).join(", ");
        io2.stdout.write(`${u.username}  ${u.id}  created ${new Date(u.createdAt * 1e3).toISOString()}${flags ? `  (${flags})` : ""}
`);
      }
      return 0;
    }
    case "add": {
      if (!username) break;
      const password = await readNewPassword(io2);
      const user = await users.add(username, password, { isAdmin: rest.includes("--admin") });
      io2.stdout.write(`added user ${user.username} (${user.id})
`);
      return 0;
    }
    case "passwd": {
      if (!username) break;
      const password = await readNewPassword(io2);
      if (!await users.setPassword(username, password)) throw new UserError(`no user ${username}`);
      io2.stdout.write(`password of ${username} changed
`);
      return 0;
    }
    case "remove": {
      if (!username) break;
      if (!await users.remove(username)) throw new UserError(`no user ${username}`);
      io2.stdout.write(`removed user ${username}; the access they granted is revoked
`);
      return 0;
    }
  }
  io2.stderr.write(USAGE3);
  return 2;
}
async function runUsersCommand(args, io2, env = process.env) {
  if (args[0] === "help" || args[0] === "--help" || args[0] === "-h") {
    io2.stdout.write(USAGE3);
    return 0;
  }
  let config;
  try {
    config = loadConfig(readEnv(env));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    io2.stderr.write(`oauth-mcp: configuration error: ${err.message}
`);
    return 2;
  }
  const store = await openStore(config.databaseUrl);
  try {
    return await run(createUsersService({ store, clock: systemClock }), args, io2);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    io2.stderr.write(`oauth-mcp: ${err.message}
`);
    return 1;
  } finally {
    await store.close();
  }
}

// src/cli/main.ts
var USAGE4 = `usage: oauth-mcp <command>

  start [--only auth|mcp]   start the authorization server (:5000) and the MCP server (:5001)
  migrate                   apply database migrations and exit
  keys list|rotate          show or rotate the token signing keys
  users add|list|remove|passwd
                            manage who can sign in (DEMO_MODE=false); passwords from a prompt or stdin
  flow [--mcp <url>]        walk through the 13-step OAuth flow against the running servers
  doctor <MCP URL> [--json] probe any MCP deployment the way real clients do (registers test clients)
`;
async function main(argv, io2) {
  const [command, ...args] = argv;
  switch (command) {
    case "start":
      return runStartCommand(args, io2);
    case "migrate":
      return runMigrateCommand(io2);
    case "keys":
      return runKeysCommand(args, io2);
    case "users":
      return runUsersCommand(args, io2);
    case "flow":
      return runFlowCommand(args, io2);
    case "doctor":
      return runDoctorCommand(args, io2);
    case void 0:
    case "help":
    case "--help":
    case "-h":
      io2.stdout.write(USAGE4);
      return command === void 0 ? 2 : 0;
    default:
      io2.stderr.write(`oauth-mcp: unknown command "${command}"
${USAGE4}`);
      return 2;
  }
}

// src/cli/bin.ts
var io = { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr };
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    io.stderr.write(`oauth-mcp: ${err.message}
`);
    process.exitCode = 1;
  }
);
