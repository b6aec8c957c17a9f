import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultJsonSchemaValidator as SdkValidator } from '@modelcontextprotocol/server/_shims';
import { describe, expect, it } from 'vitest';
import { DefaultJsonSchemaValidator, process as shimProcess } from '../../src/mcp/sdk-shims.js';

/**
 * src/mcp/sdk-shims.ts stands in the bundles for the MCP server SDK's node shims (scripts/build.mjs,
 * sdkShimsPlugin): its validator must answer as the SDK's own does, and the start bundle must hold none of ajv.
 */

const ROOT = join(import.meta.dirname, '..', '..');

const SCHEMAS = [
  { type: 'object', properties: { name: { type: 'string', minLength: 1 }, value: { type: 'integer' } }, required: ['name'], additionalProperties: false },
  { $schema: 'http://json-schema.org/draft-07/schema#', type: 'object', properties: { email: { type: 'string', format: 'email' } }, required: ['email'] },
  { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'array', prefixItems: [{ type: 'number' }], items: false },
] as const;

const INPUTS = [{ name: 'a', value: 1 }, { name: '' }, { value: 2 }, { name: 'a', extra: true }, { email: 'x@example.com' }, { email: 'not an email' }, [1], [1, 2], 'text', null];

describe('the bundles’ stand-in for the SDK’s node shims', () => {
  it('validates every input as the SDK’s default validator does, errors word for word', () => {
    const ours = new DefaultJsonSchemaValidator();
    const sdk = new SdkValidator();
    let invalid = 0;
    for (const schema of SCHEMAS) {
      const [a, b] = [ours.getValidator(schema as never), sdk.getValidator(schema as never)];
      for (const input of INPUTS) {
        const got = a(input);
        expect(got).toEqual(b(input));
        if (!got.valid) invalid++;
      }
    }
    // The inputs do reach both answers: some pass, some fail with a message.
    expect(invalid).toBeGreaterThan(10);
    expect(ours.getValidator(SCHEMAS[1] as never)({ email: 'not an email' }).errorMessage).toMatch(/format "email"/);
  });

  it('exports node’s process, as the SDK’s shims do', () => {
    expect(shimProcess).toBe(process);
  });

  it.each(['start', 'oauth-mcp'])('the %s bundle holds the stand-in and none of the SDK’s ajv provider', (name) => {
    const { dir } = JSON.parse(readFileSync(join(ROOT, 'dist', 'current.json'), 'utf8')) as { dir: string };
    const { sources } = JSON.parse(readFileSync(join(ROOT, 'dist', dir, `${name}.js.map`), 'utf8')) as { sources: string[] };
    expect(sources.some((s) => s.endsWith('src/mcp/sdk-shims.ts'))).toBe(true);
    expect(sources.filter((s) => /ajvProvider|shimsNode|\/ajv\/|ajv-formats/.test(s))).toEqual([]);
  });
});
