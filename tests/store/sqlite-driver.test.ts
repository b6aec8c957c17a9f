import { createRequire } from 'node:module';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { sqliteDriverOptions } from '../../src/store/sqlite-driver.js';

const require = createRequire(import.meta.url);

describe('sqliteDriverOptions', () => {
  it('names the addon where the install puts it', () => {
    const { nativeBinding } = sqliteDriverOptions();
    expect(nativeBinding).toBe(require.resolve('better-sqlite3/build/Release/better_sqlite3.node'));
  });

  it('lets `bindings` search from the package folder when the addon is not in build/Release (a custom build)', () => {
    const asked: string[] = [];
    const { nativeBinding } = sqliteDriverOptions((id) => {
      asked.push(id);
      if (id.endsWith('.node')) throw Object.assign(new Error(`Cannot find module '${id}'`), { code: 'MODULE_NOT_FOUND' });
      return require.resolve(id);
    });
    expect(asked).toEqual(['better-sqlite3/build/Release/better_sqlite3.node', 'better-sqlite3/package.json']);
    // The search found a real addon, and the driver opens a database with it.
    expect(nativeBinding).toMatch(/better_sqlite3\.node$/);
    const db = new Database(':memory:', { nativeBinding: nativeBinding! });
    try {
      expect(db.prepare('SELECT 41 + 1 AS answer').get()).toEqual({ answer: 42 });
    } finally {
      db.close();
    }
  });
});
