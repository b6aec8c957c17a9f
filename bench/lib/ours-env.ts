/**
 * The environment the benchmarks give our server (the bench server of bench/servers/oauth-mcp.ts or `oauth-mcp
 * gateway`): both servers on loopback at the given ports, the issuer and MCP URL named from them, the database, demo
 * mode (its fixed client is the one the loads use), rate limits off (every load comes from one address) and warn
 * logs. `extra` adds or overrides variables.
 */
export function oursEnv(authPort: number, mcpPort: number, databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    OAUTH_SERVER_PORT: String(authPort),
    MCP_SERVER_PORT: String(mcpPort),
    OAUTH_ISSUER: `http://127.0.0.1:${authPort}`,
    MCP_SERVER_URL: `http://127.0.0.1:${mcpPort}`,
    DATABASE_URL: databaseUrl,
    DEMO_MODE: 'true',
    RATE_LIMIT_PER_MINUTE: '0',
    LOG_LEVEL: 'warn',
    ...extra,
  };
}
