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
  /** Each scope asked for, its words and the tools it unlocks (a checkbox each: the person can untick any). */
  scopes: { name: string; description: string; tools: string[] }[];
  /** Scopes this person already allowed, when the request asks for more. */
  alreadyAllowed: string[];
  /** A client without a secret: shown the page every time, Allow focused (RFC 6749 §10.2). */
  publicClient?: boolean;
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
      {/* Deny comes first in the form: a stray Enter refuses instead of granting. */}
      <form method="post" action="/consent">
        <h2>It will be able to</h2>
        <p class="muted small">Untick what you do not want to allow; the application gets only what stays ticked.</p>
        <ul class="scopes">
          {v.scopes.map((s) => (
            <li>
              <label class="scope-choice">
                <input type="checkbox" name="scope" value={s.name} checked />{' '}
                <span class="scope-words">{s.description}</span> <code class="scope-name">{s.name}</code>
                {v.alreadyAllowed.includes(s.name) ? <span class="tag">already allowed</span> : null}
              </label>
              {s.tools.length > 0 && <span class="scope-tools">Tools: {s.tools.join(', ')}</span>}
            </li>
          ))}
        </ul>
        <input type="hidden" name="csrf" value={v.csrf} />
        <input type="hidden" name="i" value={v.interactionId} />
        <input type="hidden" name="choose" value="1" />
        <div class="actions">
          <button type="submit" name="decision" value="deny" class="secondary">
            Deny
          </button>
          <button type="submit" name="decision" value="approve" class="primary" autofocus={v.publicClient === true}>
            Allow
          </button>
        </div>
      </form>
      <p class="muted small">You can withdraw this at any time under Connected applications (/account).</p>
    </Layout>
  );
}
