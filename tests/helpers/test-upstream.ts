import { createHash, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';

/** What the next token answer gets wrong, for the refusal tests. */
export type TokenFault = 'none' | 'wrong-nonce' | 'expired' | 'tampered' | 'wrong-audience' | 'other-key';

export interface TestPerson {
  sub: string;
  email?: string;
  email_verified?: boolean;
  name?: string;
  groups?: string[];
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => resolve(body));
  });

/**
 * A small OpenID Connect provider the test controls on a loopback port: discovery, JWKS, a token endpoint that
 * checks the code and its PKCE verifier, then answers with an RS256 ID token, correct or broken as `fault` says.
 * The authorization step is the test's: it reads the authorization URL and calls {@link TestUpstream.issueCode}.
 */
export async function startTestUpstream(opts: { clientId: string; clientSecret: string }) {
  const { privateKey, publicKey } = await generateKeyPair('RS256');
  const other = await generateKeyPair('RS256');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
  const codes = new Map<string, { challenge: string; nonce: string; person: TestPerson; redirectUri: string }>();
  const state = { fault: 'none' as TokenFault, tokenRequests: 0 };
  const refreshTokens = new Set<string>();
  let issuer = '';

  async function idToken(person: TestPerson, nonce: string): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const { sub, ...claims } = person;
    const jwt = new SignJWT({ ...claims, nonce: state.fault === 'wrong-nonce' ? 'not-the-nonce' : nonce })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setIssuer(issuer)
      .setSubject(sub)
      .setAudience(state.fault === 'wrong-audience' ? 'someone-else' : opts.clientId)
      .setIssuedAt(state.fault === 'expired' ? now - 7200 : now)
      .setExpirationTime(state.fault === 'expired' ? now - 3600 : now + 300);
    const token = await jwt.sign(state.fault === 'other-key' ? other.privateKey : privateKey);
    if (state.fault !== 'tampered') return token;
    // Change a claim after signing: the signature no longer matches.
    const [h, p, s] = token.split('.');
    const payload = JSON.parse(Buffer.from(p!, 'base64url').toString());
    payload.email = 'admin@example.com';
    return [h, Buffer.from(JSON.stringify(payload)).toString('base64url'), s].join('.');
  }

  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', issuer);
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (url.pathname === '/.well-known/openid-configuration') {
      return json(200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
        jwks_uri: `${issuer}/jwks`,
        response_types_supported: ['code'],
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: ['RS256'],
        code_challenge_methods_supported: ['S256'],
        authorization_response_iss_parameter_supported: true,
      });
    }
    if (url.pathname === '/jwks') return json(200, { keys: [jwk] });
    if (url.pathname === '/token' && req.method === 'POST') {
      state.tokenRequests += 1;
      const form = new URLSearchParams(await readBody(req));
      const basic = Buffer.from((req.headers.authorization ?? '').replace(/^Basic /, ''), 'base64').toString();
      const [id, secret] = basic.split(':').map(decodeURIComponent);
      if (id !== opts.clientId || secret !== opts.clientSecret) return json(401, { error: 'invalid_client' });
      if (form.get('grant_type') === 'refresh_token') {
        if (!refreshTokens.has(form.get('refresh_token') ?? '')) return json(400, { error: 'invalid_grant' });
        // Rotates the access token, keeps the refresh token (no refresh_token in the answer).
        return json(200, { access_token: `at-${randomUUID()}`, token_type: 'Bearer', expires_in: 3600 });
      }
      const code = codes.get(form.get('code') ?? '');
      codes.delete(form.get('code') ?? '');
      const challenge = createHash('sha256').update(form.get('code_verifier') ?? '').digest('base64url');
      if (!code || code.challenge !== challenge || code.redirectUri !== form.get('redirect_uri')) return json(400, { error: 'invalid_grant' });
      const refreshToken = `rt-${randomUUID()}`;
      refreshTokens.add(refreshToken);
      return json(200, { access_token: `at-${randomUUID()}`, token_type: 'Bearer', expires_in: 3600, refresh_token: refreshToken, id_token: await idToken(code.person, code.nonce) });
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    issuer,
    state,
    /** The provider's answer to an authorization request (its URL as our server built it): a code for `person`. */
    issueCode(authorizationUrl: string, person: TestPerson): URLSearchParams {
      const q = new URL(authorizationUrl).searchParams;
      const code = randomUUID();
      codes.set(code, { challenge: q.get('code_challenge')!, nonce: q.get('nonce')!, person, redirectUri: q.get('redirect_uri')! });
      return new URLSearchParams({ code, state: q.get('state')!, iss: issuer });
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
