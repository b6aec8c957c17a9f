import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { builtOnFirstUse } from '../built-on-first-use.js';
import { IDP_PRESET_NAMES, IDP_PRESETS, type IdentityProviderConfig } from '../idp/presets.js';

const NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);

/**
 * One provider as written in IDP_CONFIG_FILE (camelCase keys) or assembled from the IDP_* variables; and the file.
 * Built when the configuration names a provider (still at start), not on every start (src/built-on-first-use.ts).
 */
const schemas = builtOnFirstUse(() => {
  const strings = z.array(z.string().min(1));
  const provider = z.object({
    name: z.string().regex(NAME, 'must be 1 to 32 lowercase letters, digits or hyphens'),
    preset: z.enum(IDP_PRESET_NAMES as [string, ...string[]]).default('oidc'),
    label: z.string().min(1).max(40).optional(),
    issuer: z.string().url('must be an absolute URL').optional(),
    clientId: z.string().min(1, 'is required'),
    clientSecret: z.string().min(1).optional(),
    scopes: strings.optional(),
    groupsClaim: z.string().min(1).optional(),
    apiUrl: z.string().url('must be an absolute URL').optional(),
    allowedDomains: strings.default([]),
    allowedEmails: strings.default([]),
    requiredGroup: z.string().min(1).optional(),
    adminEmails: strings.default([]),
    adminGroup: z.string().min(1).optional(),
    tokenVault: z.boolean().default(false),
  });
  return { provider, file: z.object({ providers: z.array(provider) }) };
});

export type RawProvider = z.input<ReturnType<typeof schemas>['provider']>;

/** What the IDP_* variables say, already split; undefined values are left out. */
export interface IdpEnv {
  preset?: string | undefined;
  issuer?: string | undefined;
  clientId?: string | undefined;
  clientSecret?: string | undefined;
  scopes?: string[] | undefined;
  allowedDomains: string[];
  allowedEmails: string[];
  requiredGroup?: string | undefined;
  adminEmails: string[];
  adminGroup?: string | undefined;
  tokenVault: boolean;
  configFile?: string | undefined;
}

const lower = (xs: readonly string[]) => xs.map((x) => x.toLowerCase());

/**
 * The upstream identity providers: the one of the IDP_* variables (named `oidc`) and those of IDP_CONFIG_FILE.
 * Throws an Error whose message is one line naming the variable or file entry; loadConfig turns it into a ConfigError.
 */
export function identityProviders(env: IdpEnv, opts: { demo: boolean }): IdentityProviderConfig[] {
  const raw: { where: string; entry: unknown }[] = [];
  if (env.issuer || env.clientId || env.preset) {
    if (!env.clientId) throw new Error('IDP_CLIENT_ID: required when IDP_ISSUER or IDP_PRESET is set');
    raw.push({
      where: 'IDP_',
      entry: {
        name: 'oidc',
        ...(env.preset && { preset: env.preset }),
        ...(env.issuer && { issuer: env.issuer }),
        clientId: env.clientId,
        ...(env.clientSecret && { clientSecret: env.clientSecret }),
        ...(env.scopes && { scopes: env.scopes }),
        allowedDomains: env.allowedDomains,
        allowedEmails: env.allowedEmails,
        ...(env.requiredGroup && { requiredGroup: env.requiredGroup }),
        adminEmails: env.adminEmails,
        ...(env.adminGroup && { adminGroup: env.adminGroup }),
        tokenVault: env.tokenVault,
      },
    });
  }
  if (env.configFile) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(env.configFile, 'utf8'));
    } catch (err) {
      throw new Error(`IDP_CONFIG_FILE: cannot read ${env.configFile} as JSON (${(err as Error).message})`);
    }
    const file = schemas().file.safeParse(parsed);
    if (!file.success) {
      const issue = file.error.issues[0]!;
      throw new Error(`IDP_CONFIG_FILE: ${issue.path.join('.')}: ${issue.message}`);
    }
    file.data.providers.forEach((entry, n) => raw.push({ where: `IDP_CONFIG_FILE: providers.${n}.`, entry }));
  }
  const providers: IdentityProviderConfig[] = [];
  for (const { where, entry } of raw) {
    // Names an error after the variable (IDP_ALLOWED_DOMAINS) or the file entry (providers.1.allowedDomains).
    const at = (key: string) => (where === 'IDP_' ? `IDP_${key.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}` : `${where}${key}`);
    const parsed = schemas().provider.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new Error(`${at(String(issue.path[0]))}: ${issue.message}`);
    }
    const p = parsed.data;
    const preset = IDP_PRESETS[p.preset as keyof typeof IDP_PRESETS];
    const issuer = (p.issuer ?? ('issuer' in preset ? preset.issuer : undefined))?.replace(/\/+$/, '');
    if (!issuer) throw new Error(`${at('issuer')}: required for ${preset.label} (${'issuerHint' in preset ? preset.issuerHint : 'its issuer URL'})`);
    const url = new URL(issuer);
    // The provider's endpoints carry codes and tokens: https, except a loopback provider (tests, local development).
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK.has(url.hostname)) && !opts.demo) {
      throw new Error(`${at('issuer')}: must be an https URL`);
    }
    const groupsClaim = p.groupsClaim ?? ('groupsClaim' in preset ? preset.groupsClaim : undefined);
    if ((p.requiredGroup || p.adminGroup) && !groupsClaim) {
      throw new Error(`${at(p.requiredGroup ? 'requiredGroup' : 'adminGroup')}: ${preset.label} sends no groups claim; set groupsClaim or use emails`);
    }
    if (providers.some((q) => q.name === p.name)) throw new Error(`${at('name')}: "${p.name}" is used twice`);
    const github = preset.kind === 'github';
    providers.push({
      name: p.name,
      label: p.label ?? preset.label,
      kind: preset.kind,
      preset: p.preset as IdentityProviderConfig['preset'],
      issuer,
      clientId: p.clientId,
      clientSecret: p.clientSecret,
      scopes: p.scopes ?? [...preset.scopes],
      groupsClaim,
      apiUrl: github ? (p.apiUrl ?? (issuer === 'https://github.com' ? 'https://api.github.com' : `${issuer}/api/v3`)).replace(/\/+$/, '') : undefined,
      policy: {
        allowedDomains: lower(p.allowedDomains).map((d) => d.replace(/^@/, '')),
        allowedEmails: lower(p.allowedEmails),
        requiredGroup: p.requiredGroup,
        adminEmails: lower(p.adminEmails),
        adminGroup: p.adminGroup,
      },
      tokenVault: p.tokenVault,
    });
  }
  return providers;
}
