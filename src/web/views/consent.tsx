import type { ClientDisplay } from '../client-display.js';
import { Layout } from './layout.js';

export interface ConsentView {
  csrf: string;
  interactionId: string;
  username: string;
  client: ClientDisplay;
  /** Where the code goes, in words (describeRedirect). */
  redirectTo: string;
  resource: string;
  scopes: { name: string; words: string }[];
  /** Scopes this person already allowed, when the request asks for more. */
  alreadyAllowed: string[];
}

/** Who is asking, where the code will be sent, what for, for which resource (interop note 15, AS-5). */
export function ConsentPage(v: ConsentView) {
  const c = v.client;
  return (
    <Layout title="Allow access?">
      <h1>
        <span class="app-name">{c.name}</span> wants access to your account
      </h1>
      {c.documentHost && (
        <p class="warning" role="note">
          <strong>Unverified application.</strong> It identifies itself by a document at <code>{c.documentHost}</code>. The
          name above is what that document claims; this server has not checked who runs it.
        </p>
      )}
      {c.localhostOnly && (
        <p class="warning" role="note">
          <strong>The code goes to a program on your own computer</strong> (localhost). Continue only if you started
          this application yourself just now; any program on this computer could be listening there.
        </p>
      )}
      <dl class="facts">
        <dt>Application</dt>
        <dd>
          {c.name}
          {c.documentHost && <span class="tag">unverified</span>}
          <span class="id">{c.clientId}</span>
        </dd>
        <dt>Sends you back to</dt>
        <dd>
          <code>{v.redirectTo}</code>
        </dd>
        <dt>For the server</dt>
        <dd>
          <code>{v.resource}</code>
        </dd>
        <dt>Signed in as</dt>
        <dd>{v.username}</dd>
      </dl>
      <h2>It will be able to</h2>
      <ul class="scopes">
        {v.scopes.map((s) => (
          <li>
            <span class="scope-words">{s.words}</span> <code class="scope-name">{s.name}</code>
            {v.alreadyAllowed.includes(s.name) ? <span class="tag">already allowed</span> : null}
          </li>
        ))}
      </ul>
      {/* Deny comes first in the form: a stray Enter refuses instead of granting. */}
      <form method="post" action="/consent" class="actions">
        <input type="hidden" name="csrf" value={v.csrf} />
        <input type="hidden" name="i" value={v.interactionId} />
        <button type="submit" name="decision" value="deny" class="secondary">
          Deny
        </button>
        <button type="submit" name="decision" value="approve" class="primary">
          Allow
        </button>
      </form>
      <p class="muted small">You can withdraw this at any time under Connected applications (/account).</p>
    </Layout>
  );
}
