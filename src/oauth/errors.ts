/** Error codes of RFC 6749 §5.2 and §4.1.2.1, RFC 7591 §3.2.2, RFC 6750 §3.1, RFC 8707 §2, RFC 9449 §12.2 and OpenID Connect Core §3.1.2.6 (prompt=none). */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'unsupported_response_type'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_redirect_uri'
  | 'invalid_client_metadata'
  | 'invalid_target'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'unsupported_token_type'
  | 'slow_down'
  | 'login_required'
  | 'consent_required'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

/** The HTTP status each code is answered with (RFC 6749 §5.2: 400 unless the client failed to authenticate). */
const STATUS: Record<OAuthErrorCode, number> = {
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
  slow_down: 429,
  login_required: 400,
  consent_required: 400,
  // RFC 9449 §5, §8: at the token endpoint both are 400; a resource server answers them 401 with a DPoP challenge.
  invalid_dpop_proof: 400,
  use_dpop_nonce: 400,
};

/**
 * A protocol error. `description` is shown to the client; `cause` is for the log only.
 * @see https://www.rfc-editor.org/rfc/rfc6749#section-5.2
 */
export class OAuthError extends Error {
  override name = 'OAuthError';
  readonly status: number;
  constructor(
    readonly code: OAuthErrorCode,
    readonly description: string,
    options: { status?: number; cause?: unknown; headers?: Record<string, string>; rule?: string } = {},
  ) {
    super(`${code}: ${description}`, { cause: options.cause });
    this.status = options.status ?? STATUS[code];
    this.headers = options.headers ?? {};
    this.rule = options.rule;
  }
  readonly headers: Record<string, string>;
  /** The rule that refused the request, for the audit trail (oauth/rules.ts); never sent to the client. */
  readonly rule: string | undefined;

  /** The RFC 6749 §5.2 JSON body. */
  toJSON(): { error: OAuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}
