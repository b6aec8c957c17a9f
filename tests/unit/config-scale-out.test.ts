import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config/config.js';

/** docs/deploy.md: the scale-out variables. */
describe('scale-out configuration', () => {
  it('defaults: no instance id, memory counters, keys re-read every 60 s', () => {
    const c = loadConfig({});
    expect(c.instanceId).toBeUndefined();
    expect(c.rateLimitStore).toBe('memory');
    expect(c.redisUrl).toBeUndefined();
    expect(c.keyReloadSeconds).toBe(60);
  });

  it('takes INSTANCE_ID, RATE_LIMIT_STORE, REDIS_URL and KEY_RELOAD_SECONDS', () => {
    const c = loadConfig({ INSTANCE_ID: 'mcp-a1', RATE_LIMIT_STORE: 'redis', REDIS_URL: 'redis://127.0.0.1:6379/0', KEY_RELOAD_SECONDS: '5' });
    expect(c).toMatchObject({ instanceId: 'mcp-a1', rateLimitStore: 'redis', redisUrl: 'redis://127.0.0.1:6379/0', keyReloadSeconds: 5 });
  });

  it.each([
    [{ INSTANCE_ID: 'a.b' }, /^INSTANCE_ID: must be 1 to 32 letters, digits or hyphens$/],
    [{ INSTANCE_ID: 'x'.repeat(33) }, /^INSTANCE_ID:/],
    [{ RATE_LIMIT_STORE: 'memcached' }, /^RATE_LIMIT_STORE:/],
    [{ RATE_LIMIT_STORE: 'redis' }, /^REDIS_URL: required when RATE_LIMIT_STORE=redis$/],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, /^REDIS_URL: must start with redis:\/\/ or rediss:\/\/$/],
    [{ RATE_LIMIT_STORE: 'postgres' }, /^RATE_LIMIT_STORE: postgres needs DATABASE_URL=postgres/],
    [{ KEY_RELOAD_SECONDS: '0' }, /^KEY_RELOAD_SECONDS: must be positive$/],
  ])('refuses %o with one line naming the variable', (env, message) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(message);
  });
});
