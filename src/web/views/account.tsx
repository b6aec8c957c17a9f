import type { ClientDisplay } from '../client-display.js';
import { Layout } from './layout.js';

export interface ConnectedApp {
  client: ClientDisplay;
  scopes: { name: string; words: string }[];
  grantedAt: number;
  lastUsedAt: number | null;
}

export interface AccountView {
  csrf: string;
  username: string;
  apps: ConnectedApp[];
  notice?: string;
}

function When(props: { at: number | null }) {
  if (props.at === null) return <span class="muted">never</span>;
  const iso = new Date(props.at * 1000).toISOString();
  return <time datetime={iso}>{`${iso.slice(0, 16).replace('T', ' ')} UTC`}</time>;
}

/** Connected applications: each client holding a grant, and a button that revokes it. */
export function AccountPage(v: AccountView) {
  return (
    <Layout title="Connected applications" wide>
      <div class="heading-row">
        <h1>Connected applications</h1>
        <form method="post" action="/logout">
          <input type="hidden" name="csrf" value={v.csrf} />
          <button type="submit" class="link">
            Sign out {v.username}
          </button>
        </form>
      </div>
      {v.notice && (
        <p class="notice" role="status">
          {v.notice}
        </p>
      )}
      {v.apps.length === 0 ? (
        <p class="lead">No application has access to your account.</p>
      ) : (
        <ul class="apps">
          {v.apps.map((app) => (
            <li class="app">
              <h2>
                {app.client.name}
                {app.client.documentHost && <span class="tag">unverified</span>}
              </h2>
              <span class="id">{app.client.clientId}</span>
              <dl class="facts">
                <dt>Can</dt>
                <dd>
                  <ul class="plain">
                    {app.scopes.map((s) => (
                      <li>
                        {s.words} <code class="scope-name">{s.name}</code>
                      </li>
                    ))}
                  </ul>
                </dd>
                <dt>Allowed</dt>
                <dd>
                  <When at={app.grantedAt} />
                </dd>
                <dt>Last used</dt>
                <dd>
                  <When at={app.lastUsedAt} />
                </dd>
              </dl>
              {app.scopes.length > 1 && (
                <form method="post" action="/account/scopes" class="stack">
                  <input type="hidden" name="csrf" value={v.csrf} />
                  <input type="hidden" name="client_id" value={app.client.clientId} />
                  <fieldset>
                    <legend>Keep only what stays ticked</legend>
                    {app.scopes.map((s) => (
                      <label class="scope-choice">
                        <input type="checkbox" name="scope" value={s.name} checked /> {s.words}
                      </label>
                    ))}
                  </fieldset>
                  <button type="submit" class="secondary" aria-label={`Reduce access for ${app.client.name}`}>
                    Reduce access
                  </button>
                </form>
              )}
              <form method="post" action="/account/revoke">
                <input type="hidden" name="csrf" value={v.csrf} />
                <input type="hidden" name="client_id" value={app.client.clientId} />
                <button type="submit" class="danger" aria-label={`Revoke access for ${app.client.name}`}>
                  Revoke access
                </button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </Layout>
  );
}
