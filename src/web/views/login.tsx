import { Layout } from './layout.js';

export interface LoginView {
  csrf: string;
  interactionId?: string;
  /** The application the person is signing in for, when there is one. */
  clientName?: string;
  username?: string;
  error?: string;
  notice?: string;
  /** Upstream identity providers: one "Continue with <label>" button each. */
  providers?: { name: string; label: string }[];
  /** False: no password form (LOCAL_PASSWORDS=false). */
  localPasswords?: boolean;
}

export function LoginPage(v: LoginView) {
  return (
    <Layout title="Sign in">
      <h1>Sign in</h1>
      {v.clientName ? (
        <p class="lead">
          to continue to <strong>{v.clientName}</strong>
        </p>
      ) : (
        <p class="lead">to manage the applications connected to your account</p>
      )}
      {v.notice && (
        <p class="notice" role="status">
          {v.notice}
        </p>
      )}
      {v.error && (
        <p class="error" role="alert" id="login-error">
          {v.error}
        </p>
      )}
      {(v.providers ?? []).length > 0 && (
        <ul class="providers stack" aria-label="Sign in with">
          {v.providers!.map((p) => (
            <li>
              <a class="button primary" href={`/idp/${p.name}/start${v.interactionId ? `?i=${v.interactionId}` : ''}`}>
                Continue with {p.label}
              </a>
            </li>
          ))}
        </ul>
      )}
      {v.localPasswords !== false && (
        <form method="post" action="/login" class="stack">
          <input type="hidden" name="csrf" value={v.csrf} />
          {v.interactionId && <input type="hidden" name="i" value={v.interactionId} />}
          <label for="username">Username</label>
          <input
            id="username"
            name="username"
            type="text"
            autocomplete="username"
            autocapitalize="none"
            spellcheck={false}
            required
            maxlength={64}
            autofocus={!v.username}
            value={v.username ?? ''}
            {...(v.error && { 'aria-describedby': 'login-error', 'aria-invalid': 'true' })}
          />
          <label for="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autocomplete="current-password"
            required
            maxlength={1024}
            autofocus={Boolean(v.username)}
            {...(v.error && { 'aria-describedby': 'login-error', 'aria-invalid': 'true' })}
          />
          <button type="submit" class="primary">
            Sign in
          </button>
        </form>
      )}
    </Layout>
  );
}
