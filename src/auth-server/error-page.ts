import { html, raw } from 'hono/html';

const STYLE = `body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#222;line-height:1.5}
h1{font-size:1.4rem}code{background:#f3f3f3;padding:.1rem .3rem;border-radius:3px;word-break:break-all}.note{color:#555;font-size:.9rem}`;

/**
 * A small self-contained HTML page for an authorization request that cannot be answered at the client's
 * redirect URI (RFC 6749 §4.1.2.1: never redirect to an unverified URI). Everything interpolated is escaped
 * by hono/html; no scripts, no external assets.
 */
export async function errorPage(status: number, error: string, description: string): Promise<Response> {
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
    headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', 'X-Frame-Options': 'DENY' },
  });
}
