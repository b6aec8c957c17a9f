import type { Child } from 'hono/jsx';

/** The frame of every page: one stylesheet from this server, a skip link, one main landmark. */
export function Layout(props: { title: string; children?: Child; wide?: boolean }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex" />
        <title>{`${props.title} · oauth-mcp`}</title>
        <link rel="stylesheet" href="/static/web.css" />
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="top">
          <span class="brand" aria-label="oauth-mcp authorization server">
            oauth-mcp
          </span>
        </header>
        <main id="main" class={props.wide ? 'card wide' : 'card'}>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** A page with one message: errors, expired requests, refused forms. */
export function MessagePage(props: { title: string; message: string; hint?: string }) {
  return (
    <Layout title={props.title}>
      <h1>{props.title}</h1>
      <p class="lead" role="alert">
        {props.message}
      </p>
      {props.hint && <p class="muted">{props.hint}</p>}
    </Layout>
  );
}
