import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import { decide } from '../../src/idp/policy.js';
import type { IdpPolicy } from '../../src/idp/presets.js';
import type { UpstreamIdentity } from '../../src/idp/upstream.js';

const PROD = { DEMO_MODE: 'false', SECRET_KEY: 'k'.repeat(40) };

function file(content: unknown): string {
  const path = join(mkdtempSync(join(tmpdir(), 'oauth-mcp-idp-config-')), 'providers.json');
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('identity provider configuration', () => {
  it('no provider by default; local passwords on', () => {
    const c = loadConfig({});
    expect(c.identityProviders).toEqual([]);
    expect(c.localPasswords).toBe(true);
  });

  it('IDP_* configure one provider named oidc, with the preset defaults and lower-cased policy lists', () => {
    const c = loadConfig({ ...PROD, IDP_ISSUER: 'https://idp.example.com/', IDP_CLIENT_ID: 'abc', IDP_CLIENT_SECRET: 's', IDP_ALLOWED_DOMAINS: 'Example.com, @corp.example', IDP_ADMIN_EMAILS: 'Boss@Example.com', IDP_REQUIRED_GROUP: 'mcp-users' });
    expect(c.identityProviders).toEqual([
      expect.objectContaining({
        name: 'oidc',
        kind: 'oidc',
        issuer: 'https://idp.example.com',
        clientId: 'abc',
        scopes: ['openid', 'email', 'profile'],
        groupsClaim: 'groups',
        policy: { allowedDomains: ['example.com', 'corp.example'], allowedEmails: [], requiredGroup: 'mcp-users', adminEmails: ['boss@example.com'], adminGroup: undefined },
        tokenVault: false,
      }),
    ]);
  });

  it('presets with a fixed issuer need none; tenant presets name the issuer to set', () => {
    expect(loadConfig({ IDP_PRESET: 'google', IDP_CLIENT_ID: 'g' }).identityProviders[0]).toMatchObject({ label: 'Google', issuer: 'https://accounts.google.com' });
    expect(loadConfig({ IDP_PRESET: 'github', IDP_CLIENT_ID: 'g' }).identityProviders[0]).toMatchObject({ kind: 'github', issuer: 'https://github.com', apiUrl: 'https://api.github.com' });
    expect(() => loadConfig({ IDP_PRESET: 'entra', IDP_CLIENT_ID: 'e' })).toThrow('IDP_ISSUER: required for Microsoft (https://login.microsoftonline.com/<tenant-id>/v2.0)');
    expect(() => loadConfig({ IDP_PRESET: 'nope', IDP_CLIENT_ID: 'e' })).toThrow(/^IDP_PRESET: /);
  });

  it('refuses what cannot work, one line naming the variable', () => {
    expect(() => loadConfig({ IDP_ISSUER: 'https://idp.example.com' })).toThrow('IDP_CLIENT_ID: required when IDP_ISSUER or IDP_PRESET is set');
    expect(() => loadConfig({ ...PROD, IDP_ISSUER: 'http://idp.example.com', IDP_CLIENT_ID: 'x' })).toThrow('IDP_ISSUER: must be an https URL');
    expect(() => loadConfig({ IDP_PRESET: 'github', IDP_CLIENT_ID: 'x', IDP_REQUIRED_GROUP: 'org' })).toThrow(/^IDP_REQUIRED_GROUP: GitHub sends no groups claim/);
    expect(() => loadConfig({ ...PROD, LOCAL_PASSWORDS: 'false' })).toThrow('LOCAL_PASSWORDS: false leaves no way to sign in');
    expect(loadConfig({ ...PROD, LOCAL_PASSWORDS: 'false', IDP_ISSUER: 'http://127.0.0.1:9999', IDP_CLIENT_ID: 'x' }).localPasswords).toBe(false);
  });

  it('IDP_CONFIG_FILE adds several providers; errors name the entry', () => {
    const c = loadConfig({
      IDP_CONFIG_FILE: file({ providers: [
        { name: 'google', preset: 'google', clientId: 'g', allowedDomains: ['example.com'] },
        { name: 'corp', preset: 'keycloak', issuer: 'https://sso.example.com/realms/staff', clientId: 'k', adminGroup: 'admins', tokenVault: true },
      ] }),
    });
    expect(c.identityProviders.map((p) => [p.name, p.label, p.issuer])).toEqual([
      ['google', 'Google', 'https://accounts.google.com'],
      ['corp', 'Keycloak', 'https://sso.example.com/realms/staff'],
    ]);
    expect(c.identityProviders[1]!.tokenVault).toBe(true);
    expect(() => loadConfig({ IDP_CONFIG_FILE: file({ providers: [{ name: 'Bad Name', clientId: 'x' }] }) })).toThrow(/^IDP_CONFIG_FILE: providers.0.name: /);
    expect(() => loadConfig({ IDP_CONFIG_FILE: file({ providers: [{ name: 'a', preset: 'okta', clientId: 'x' }] }) })).toThrow(/^IDP_CONFIG_FILE: providers.0.issuer: required for Okta/);
    expect(() => loadConfig({ IDP_CONFIG_FILE: file('{not json') })).toThrow(/^IDP_CONFIG_FILE: cannot read .* as JSON/);
    expect(() => loadConfig({ IDP_ISSUER: 'https://a.example', IDP_CLIENT_ID: 'x', IDP_CONFIG_FILE: file({ providers: [{ name: 'oidc', issuer: 'https://b.example', clientId: 'y' }] }) })).toThrow(/"oidc" is used twice/);
  });
});

describe('sign-in policy', () => {
  const open: IdpPolicy = { allowedDomains: [], allowedEmails: [], requiredGroup: undefined, adminEmails: [], adminGroup: undefined };
  const who = (over: Partial<UpstreamIdentity> = {}): UpstreamIdentity => ({ issuer: 'https://idp', subject: 's', email: 'ann@example.com', emailVerified: true, name: null, handle: null, groups: [], ...over });

  it('allows anyone when nothing is restricted; administrators by verified email or group', () => {
    expect(decide(open, who())).toEqual({ allowed: true, isAdmin: false });
    expect(decide({ ...open, adminEmails: ['ann@example.com'] }, who())).toEqual({ allowed: true, isAdmin: true });
    expect(decide({ ...open, adminEmails: ['ann@example.com'] }, who({ emailVerified: false }))).toEqual({ allowed: true, isAdmin: false });
    expect(decide({ ...open, adminGroup: 'ops' }, who({ groups: ['ops'] }))).toEqual({ allowed: true, isAdmin: true });
  });

  it('domains and emails: either list suffices, verified emails only', () => {
    const p = { ...open, allowedDomains: ['example.com'], allowedEmails: ['guest@other.org'] };
    expect(decide(p, who()).allowed).toBe(true);
    expect(decide(p, who({ email: 'guest@other.org' })).allowed).toBe(true);
    expect(decide(p, who({ email: 'eve@other.org' })).allowed).toBe(false);
    expect(decide(p, who({ emailVerified: false })).allowed).toBe(false);
    // A look-alike: the domain is compared whole, after the last @.
    expect(decide(p, who({ email: 'eve@evilexample.com' })).allowed).toBe(false);
    expect(decide(p, who({ email: 'eve@example.com.evil.net' })).allowed).toBe(false);
  });

  it('a required group', () => {
    expect(decide({ ...open, requiredGroup: 'mcp' }, who({ groups: ['mcp'] })).allowed).toBe(true);
    expect(decide({ ...open, requiredGroup: 'mcp' }, who({ groups: ['other'] }))).toEqual({ allowed: false, why: 'not a member of the required group mcp' });
  });
});

describe('the start banner', () => {
  it('prints the redirect URI to register for each provider, and says when local passwords are off', async () => {
    const { banner } = await import('../../src/cli/banner.js');
    const text = banner(loadConfig({ ...PROD, OAUTH_ISSUER: 'https://auth.example.com', MCP_SERVER_URL: 'https://mcp.example.com', IDP_PRESET: 'google', IDP_CLIENT_ID: 'g', LOCAL_PASSWORDS: 'false' }), 'both');
    expect(text).toContain('redirect URI to register: https://auth.example.com/idp/oidc/callback');
    expect(text).toContain('Google');
    expect(text).toContain('LOCAL_PASSWORDS=false');
    expect(banner(loadConfig({}), 'both')).not.toContain('redirect URI to register');
  });
});
