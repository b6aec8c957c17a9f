import { createHash } from 'node:crypto';
import { Hono } from 'hono';

/** The only stylesheet: served from here so the CSP can stay `style-src 'self'` (no external assets). */
export const STYLESHEET = `
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
/* upstream identity providers (login) and per-scope choices (consent) */
.providers { list-style:none; padding:0; margin:1rem 0; }
a.button { display:block; text-align:center; text-decoration:none; font-weight:600; border-radius:8px; padding:.7rem 1.2rem; }
.scope-tools { display:block; font-size:.8rem; color:var(--muted); margin-left:1.6rem; }
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
/* flow timeline (/admin/flows) */
.flow { border-top:1px solid var(--line); margin-top:1.5rem; padding-top:1rem; }
.status { font-size:.8rem; font-weight:600; padding:.1rem .55rem; border-radius:999px; border:1px solid var(--line); }
.status.connected { background:var(--ok-bg); border-color:var(--ok-line); }
.status.failed { background:var(--err-bg); border-color:var(--danger); color:var(--danger); }
.status.in-progress { background:var(--warn-bg); border-color:var(--warn-line); }
.seq { width:100%; height:auto; margin:.75rem 0; font: 12px system-ui, sans-serif; }
.seq-lane rect { fill:#eef1f6; stroke:#b9c1ce; }
.seq-lane text { fill:var(--fg); font-weight:600; }
.seq-lane line { stroke:#c8ced9; stroke-dasharray:4 4; }
.seq-ok { stroke:var(--accent); stroke-width:2; fill:none; }
.seq-fail { stroke:var(--danger); stroke-width:2; fill:none; stroke-dasharray:6 3; }
.seq-head-ok { fill:var(--accent); }
.seq-head-fail { fill:var(--danger); }
.seq-label { fill:var(--fg); }
.seq-rule { fill:var(--danger); font-size:11px; }
.steps { padding-left:1.4rem; margin:.5rem 0 0; }
.step, .plain .step { display:flex; flex-direction:column; gap:.1rem; padding:.45rem 0; border-bottom:1px solid var(--line); }
.step.failed { border-left:3px solid var(--danger); padding-left:.5rem; }
.outcome { font-size:.75rem; font-weight:600; padding:0 .4rem; border-radius:4px; }
.outcome.good { background:var(--ok-bg); }
.outcome.bad { background:var(--err-bg); color:var(--danger); }
.rule { font-size:.875rem; }
@media (max-width: 36rem) {
  .card { margin:0; border-radius:0; border-left:0; border-right:0; padding:1.25rem 1rem; }
  .facts { grid-template-columns: 1fr; gap:.1rem; }
  .facts dd { margin-bottom:.5rem; }
  .actions { flex-direction:column; }
  .actions button { width:100%; }
}
`;

const ETAG = `"${createHash('sha256').update(STYLESHEET).digest('base64url').slice(0, 16)}"`;

export function stylesRoute(): Hono {
  const app = new Hono();
  app.get('/static/web.css', (c) => {
    if (c.req.header('if-none-match') === ETAG) return c.body(null, 304);
    return c.body(STYLESHEET, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600', ETag: ETAG });
  });
  return app;
}
