/**
 * An OAuthClientProvider for the official SDK clients (v1 and v2 share the shape), kept in memory. Demo mode
 * approves authorization without a login page, so "redirecting the user" is fetching the authorization URL
 * without following the redirect and taking the code from its Location, as a browser would deliver it to the
 * client's loopback callback.
 */
export class TestOAuthProvider {
  private client: any;
  private stored: any;
  private verifier = '';
  /** Callback parameters of the last authorization (code, iss, state). */
  callback: URLSearchParams | undefined;
  /** Scopes asked for at each authorization, in order. */
  readonly authorizations: string[] = [];
  /** Every token set the client saved, in order. */
  readonly savedTokens: any[] = [];

  constructor(readonly redirectUrl = 'http://127.0.0.1:8765/callback') {}

  get clientMetadata() {
    return {
      client_name: 'interop test client',
      redirect_uris: [this.redirectUrl],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
    };
  }

  clientInformation() {
    return this.client;
  }
  saveClientInformation(info: any) {
    this.client = info;
  }
  tokens() {
    return this.stored;
  }
  saveTokens(tokens: any) {
    this.stored = tokens;
    this.savedTokens.push(tokens);
  }
  saveCodeVerifier(v: string) {
    this.verifier = v;
  }
  codeVerifier() {
    return this.verifier;
  }
  private discovery: any;
  /** SEP-2352: the discovery state persisted beside the code verifier, so the callback leg checks the issuer. */
  saveDiscoveryState(state: any) {
    this.discovery = state;
  }
  discoveryState() {
    return this.discovery;
  }
  /** What a host does when the user signs out or a step-up needs a fresh consent: forget the tokens. */
  forgetTokens() {
    this.stored = undefined;
  }

  async redirectToAuthorization(url: URL) {
    this.authorizations.push(url.searchParams.get('scope') ?? '');
    const res = await fetch(url, { redirect: 'manual' });
    const location = res.headers.get('location');
    if (res.status < 300 || res.status > 399 || !location) throw new Error(`authorization did not redirect: ${res.status} ${await res.text()}`);
    const callback = new URL(location);
    if (!callback.searchParams.get('code')) throw new Error(`authorization failed: ${callback.search}`);
    this.callback = callback.searchParams;
  }

  /** The code of the last authorization, once. */
  takeCode(): string {
    const code = this.callback?.get('code');
    if (!code) throw new Error('no authorization code captured');
    this.callback = undefined;
    return code;
  }
}
