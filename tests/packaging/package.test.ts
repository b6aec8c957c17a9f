import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertLibraryBuilt, connectWithOAuth, ROOT, startExample } from '../e2e/examples-process.js';
import { freePort } from '../helpers/ports.js';

/**
 * The package as a user gets it: `npm pack`, the tarball installed into an empty folder with production
 * dependencies only, every documented entry point imported from JavaScript and type-checked from TypeScript,
 * and examples/own-tools.mjs run from there through a real OAuth flow of the official SDK v2 client.
 *
 * better-sqlite3's install script runs as for any user. It looks for a prebuilt binary before compiling SQLite
 * (minutes on this machine; GitHub, where its prebuilt binaries live, is not reachable here): it is given one
 * made from this repository's own compiled copy, as a local prebuild (prebuild-install's `local-prebuilds`).
 * The other packages come from the npm cache or the registry. The tarball is packed with --ignore-scripts: the
 * library build of its prepack script has already run (npm test builds dist/lib before vitest; checked below),
 * and running it again here could rewrite dist/lib under the example tests running beside this one.
 */

const run = promisify(execFile);
const PKG = 'mcp-auth-server';
const MINUTES = 60_000;

let dir: string;
let consumer: string;
let packed: { filename: string; files: Array<{ path: string }> };

/** A prebuild-install tarball of the better-sqlite3 binary this repository compiled, in `into`; undefined without one. */
async function localPrebuild(into: string): Promise<string | undefined> {
  const binary = join(ROOT, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  if (!existsSync(binary)) return undefined;
  const { version } = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'better-sqlite3', 'package.json'), 'utf8'));
  const stage = join(into, 'stage');
  mkdirSync(join(stage, 'build', 'Release'), { recursive: true });
  copyFileSync(binary, join(stage, 'build', 'Release', 'better_sqlite3.node'));
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  await run('tar', ['-czf', join(into, name), '-C', stage, 'build']);
  return into;
}

beforeAll(async () => {
  assertLibraryBuilt();
  dir = mkdtempSync(join(tmpdir(), 'mcp-auth-server-pack-'));
  const { stdout } = await run('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, maxBuffer: 16 * 1024 * 1024 });
  packed = JSON.parse(stdout.slice(stdout.indexOf('[')))[0];
  consumer = join(dir, 'consumer');
  mkdirSync(consumer);
  writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  const prebuilds = await localPrebuild(join(dir, 'prebuilds'));
  await run('npm', ['install', '--omit=dev', '--no-audit', '--no-fund', join(dir, packed.filename)], {
    cwd: consumer,
    env: { ...process.env, ...(prebuilds && { npm_config_better_sqlite3_local_prebuilds: prebuilds }) },
    maxBuffer: 16 * 1024 * 1024,
  });
}, 8 * MINUTES);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the npm package, installed from its tarball with production dependencies only', () => {
  it('the tarball holds the built library with its types, the bins and the examples; no tests and no build state', () => {
    const files = packed.files.map((f) => f.path);
    for (const entry of ['index', 'resource-server/index', 'store/index']) {
      expect(files).toContain(`dist/lib/${entry}.js`);
      expect(files).toContain(`dist/lib/${entry}.d.ts`);
    }
    expect(files).toEqual(expect.arrayContaining(['bin/oauth-mcp.js', 'examples/own-tools.mjs', 'package.json', 'README.md', 'LICENSE']));
    expect(files.filter((f) => f.startsWith('tests/') || f.endsWith('.tsbuildinfo') || f.endsWith('.built') || /^dist\/(?!lib\/)/.test(f))).toEqual([]);
    // Nothing left over from an earlier build: each module has its source (scripts/build-lib.mjs prunes the rest).
    const orphans = files
      .filter((f) => f.startsWith('dist/lib/') && f.endsWith('.js'))
      .map((f) => f.slice('dist/lib/'.length, -'.js'.length))
      .filter((m) => !existsSync(join(ROOT, 'src', `${m}.ts`)) && !existsSync(join(ROOT, 'src', `${m}.tsx`)));
    expect(orphans).toEqual([]);
    const installed = join(consumer, 'node_modules');
    expect(existsSync(join(installed, PKG, 'package.json'))).toBe(true);
    expect(existsSync(join(installed, 'vitest'))).toBe(false); // dev dependencies stayed out
    expect(existsSync(join(installed, 'express'))).toBe(false);
  });

  it('imports every documented entry point from JavaScript', async () => {
    const script = `
      const root = await import('${PKG}');
      const rs = await import('${PKG}/resource-server');
      const store = await import('${PKG}/store');
      const fns = (m) => Object.keys(m).filter((k) => typeof m[k] === 'function').sort();
      console.log(JSON.stringify({ root: fns(root), rs: fns(rs), store: fns(store), version: (await import('${PKG}/package.json', { with: { type: 'json' } })).default.version }));
    `;
    const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: consumer });
    const found = JSON.parse(stdout);
    expect(found.root).toEqual(
      expect.arrayContaining(['openStore', 'createAuthorizationServer', 'createMcpServer', 'defineTool', 'combine', 'callerFromAuthInfo', 'createTokenVerifier', 'bearer', 'expressBearer', 'nodeBearer']),
    );
    expect(found.rs).toEqual(expect.arrayContaining(['createTokenVerifier', 'bearer', 'expressBearer', 'nodeBearer', 'DpopKeyCache', 'DpopNonces', 'MemoryReplayCache', 'protectedResourceMetadataRoute', 'protectedResourceMetadataDocument', 'protectedResourceMetadataUrl']));
    expect(found.store).toEqual(expect.arrayContaining(['openStore', 'migrate']));
    expect(found.version).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('CommonJS programs require() the same entry points (Node 20.19+ loads ES modules from require)', async () => {
    const script = `
      const fns = (m) => Object.keys(m).filter((k) => typeof m[k] === 'function');
      const found = [require('${PKG}'), require('${PKG}/resource-server'), require('${PKG}/store')].map(fns);
      console.log(JSON.stringify(found));
    `;
    writeFileSync(join(consumer, 'consumer.cjs'), script);
    const { stdout } = await run(process.execPath, [join(consumer, 'consumer.cjs')], { cwd: consumer });
    const [root, rs, store] = JSON.parse(stdout);
    expect(root).toEqual(expect.arrayContaining(['createAuthorizationServer', 'createMcpServer', 'openStore']));
    expect(rs).toEqual(expect.arrayContaining(['createTokenVerifier', 'expressBearer']));
    expect(store).toEqual(expect.arrayContaining(['openStore']));
  });

  it('the declaration files import only production dependencies and Node built-ins (what an install provides)', () => {
    const installed = join(consumer, 'node_modules', PKG);
    const { dependencies } = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
    const imported = new Set<string>();
    for (const file of packed.files.map((f) => f.path).filter((f) => f.endsWith('.d.ts'))) {
      for (const [, spec] of readFileSync(join(installed, file), 'utf8').matchAll(/(?:from|import\()\s*['"]([^'"]+)['"]/g)) {
        if (spec!.startsWith('.')) continue;
        imported.add(spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!);
      }
    }
    expect(imported.size).toBeGreaterThan(0);
    const missing = [...imported].filter((name) => !name.startsWith('node:') && !(name in dependencies) && !builtinModules.includes(name));
    expect(missing).toEqual([]);
  });

  it("type-checks a consumer's TypeScript file against the installed types (tsc --noEmit)", async () => {
    writeFileSync(join(consumer, 'consumer.ts'), CONSUMER_TS);
    writeFileSync(
      join(consumer, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          // @types/node is the user's own dev dependency; it is not a production dependency of the package.
          typeRoots: [join(ROOT, 'node_modules', '@types')],
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const result = await run(process.execPath, [tsc, '-p', join(consumer, 'tsconfig.json')], { cwd: consumer }).catch((err) => err);
    expect(`${result.stdout ?? ''}${result.stderr ?? ''}`).toBe('');
  }, 2 * MINUTES);

  it('both bins run: mcp-auth-server and its alias oauth-mcp print the usage; only the first run builds the bundle', async () => {
    for (const bin of ['mcp-auth-server', 'oauth-mcp']) {
      const { stdout } = await run(join(consumer, 'node_modules', '.bin', bin), ['help'], { cwd: consumer });
      expect(stdout).toContain('usage: mcp-auth-server <command>');
    }
    // Each build goes to a new dist/build-* folder: the second run found the first one's bundle current.
    const builds = readdirSync(join(consumer, 'node_modules', PKG, 'dist')).filter((d) => d.startsWith('build-'));
    expect(builds).toHaveLength(1);
  }, 2 * MINUTES);

  it('examples/own-tools.mjs, copied next to the install, serves `add` to the SDK v2 client through the whole OAuth flow', async () => {
    const file = join(consumer, 'own-tools.mjs');
    copyFileSync(join(consumer, 'node_modules', PKG, 'examples', 'own-tools.mjs'), file);
    const [authPort, mcpPort] = [await freePort(), await freePort()];
    const example = await startExample(file, { AUTH_PORT: String(authPort), MCP_PORT: String(mcpPort) });
    try {
      const { client, provider } = await connectWithOAuth(`http://127.0.0.1:${mcpPort}/mcp`);
      expect(provider.authorizations).toEqual(['calc']);
      const result = await client.callTool({ name: 'add', arguments: { a: 20, b: 22 } });
      expect(result.structuredContent).toEqual({ sum: 42 });
      expect(result.content).toEqual([{ type: 'text', text: '42' }]);
      await client.close();
    } finally {
      expect(await example.stop()).toBe(0);
    }
  }, 2 * MINUTES);
});

/** What a user's TypeScript program writes; the @ts-expect-error lines fail the check if the types were `any`. */
const CONSUMER_TS = `
import { combine, createAuthorizationServer, createMcpServer, defineTool, openStore, type Caller } from '${PKG}';
import { createTokenVerifier, expressBearer, nodeBearer, bearer } from '${PKG}/resource-server';
import { openStore as openStoreToo, type Store } from '${PKG}/store';
import { z } from 'zod';

export async function main(): Promise<void> {
  const store: Store = await openStore('sqlite::memory:');
  const as = await createAuthorizationServer({
    issuer: 'http://127.0.0.1:5000',
    store,
    scopes: { calc: { description: 'Use the calculator' } },
    resources: [{ url: 'http://127.0.0.1:5001/mcp', scopes: ['calc'] }],
    signIn: 'demo',
  });
  const add = defineTool({
    name: 'add',
    description: 'Adds',
    requiredScopes: ['calc'],
    inputSchema: z.object({ a: z.number(), b: z.number() }),
    outputSchema: z.object({ sum: z.number() }),
    run: async ({ a, b }, caller: Caller) => {
      const who: string = caller.subject;
      // @ts-expect-error a is a number
      const wrong: string = a;
      void who, wrong;
      return { ok: true, data: { sum: a + b }, text: String(a + b) };
    },
  });
  const mcp = await createMcpServer({ url: 'http://127.0.0.1:5001/mcp', authorizationServer: as.issuer, store, tools: [add] });
  const served = await mcp.listen({ port: 0 });
  const port: number = served.port;
  void port, combine;
  const verifier = createTokenVerifier({ issuer: as.issuer, audience: 'http://127.0.0.1:5001/api' });
  void expressBearer(verifier, { resource: 'http://127.0.0.1:5001/api', scopes: ['calc'] });
  void bearer(verifier, { resource: 'http://127.0.0.1:5001/api' });
  void nodeBearer(verifier, { resource: 'http://127.0.0.1:5001/api' }, (_req, res, caller) => {
    res.end(caller.clientId);
  });
  // @ts-expect-error the issuer is required
  await createAuthorizationServer({ store, scopes: {}, resources: [] });
  void openStoreToo;
  await mcp.close();
  await as.close();
  await store.close();
}
`;
