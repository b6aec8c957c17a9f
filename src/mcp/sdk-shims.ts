import { createRequire } from 'node:module';
import process from 'node:process';
import type { DefaultJsonSchemaValidator as AjvValidator } from '@modelcontextprotocol/server/_shims';
import type { JsonSchemaType, JsonSchemaValidator, jsonSchemaValidator } from '@modelcontextprotocol/server';

/**
 * What the bundles (scripts/build.mjs, sdkShimsPlugin) give the MCP server SDK in place of its node shims
 * (`@modelcontextprotocol/server/_shims`): the same `process`, and the same default JSON Schema validator (the
 * SDK's ajv provider), loaded from node_modules on its first use instead of run at every start.
 *
 * The SDK imports its shims statically, so every start ran ajv's modules (~225 kB, an eighth of the start
 * bundle) before its first answer and kept their compiled code in the bundle's code cache, though the validator
 * serves only tools and elicitations declared with JSON Schema. Our tools declare Standard Schemas (zod), which
 * the SDK validates without it, and the SDK builds its ajv engines only on a first `getValidator` anyway
 * (bench/HISTORY.md, round 2, eighth pass: cold start).
 */
export class DefaultJsonSchemaValidator implements jsonSchemaValidator {
  #ajv: AjvValidator | undefined;

  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    // A require() at run time that esbuild leaves alone: node resolves the package's CommonJS build of the shims
    // from node_modules, next to the bundle's own copy of the SDK, which never sees this object's class.
    this.#ajv ??= new (createRequire(import.meta.url)('@modelcontextprotocol/server/_shims') as { DefaultJsonSchemaValidator: typeof AjvValidator }).DefaultJsonSchemaValidator();
    return this.#ajv.getValidator<T>(schema);
  }
}

export { process };
