import type { Config } from '../config/config.js';
import { idpRedirectUri } from '../idp/deps.js';

/** What `oauth-mcp start` prints once the servers listen: where things are, the mode, and client set-up lines. */
export function banner(config: Config, only: 'auth' | 'mcp' | 'both' | 'one-origin', notices: readonly string[] = []): string {
  const issuer = config.authServer.issuer;
  // One origin (start --one-origin): the MCP server is on the issuer's origin.
  const mcpUrl = only === 'one-origin' ? new URL(issuer).origin : config.mcpServer.url;
  const mcp = `${mcpUrl}/mcp/v1`;
  const lines: string[] = ['', 'mcp-auth-server is running', ''];
  if (only !== 'mcp') lines.push(`  Authorization server  ${issuer}   (metadata: ${issuer}/.well-known/oauth-authorization-server)`);
  if (only !== 'auth') lines.push(`  MCP server            ${mcp}   (alias ${mcpUrl}/mcp, REST API ${mcpUrl}/api)`);
  lines.push(`  Database              ${config.databaseUrl.replace(/\/\/[^@/]*@/, '//***@')}`);
  lines.push('');
  if (only !== 'mcp' && config.identityProviders.length > 0) {
    // The redirect URI each provider must have registered for this server (docs/identity.md).
    lines.push('  Sign in with:');
    for (const p of config.identityProviders) lines.push(`    ${p.label.padEnd(22)}redirect URI to register: ${idpRedirectUri(issuer, p.name)}`);
    if (!config.localPasswords) lines.push('    (local passwords are off: LOCAL_PASSWORDS=false)');
    lines.push('');
  }
  // What start changed that an operator must know about (e.g. demo data disabled outside demo mode).
  if (notices.length > 0) lines.push(...notices, '');
  if (config.demo.enabled) {
    lines.push(
      '  DEMO MODE: every authorization is approved automatically as the demo user, with no login page.',
      '  Never expose this to a network. Set DEMO_MODE=false for real login and consent.',
      `  Demo client: ${config.demo.clientId} / ${config.demo.clientSecret}   demo code: ${config.demo.authorizationCode}`,
      '',
    );
  }
  if (config.mcpAuthMode === 'server-managed') {
    lines.push(
      '  SERVER-MANAGED AUTH: the MCP server holds its own token; clients connect without OAuth and act as',
      '  the server\'s client. Per-user identity, consent and revocation are given up. Use only locally.',
      '',
    );
  }
  if (only !== 'auth') {
    lines.push(
      '  Connect a client:',
      `    Claude Code     claude mcp add --transport http oauth-mcp ${mcp}`,
      `    Cursor          ~/.cursor/mcp.json: {"mcpServers": {"oauth-mcp": {"url": "${mcp}"}}}`,
      `    VS Code         .vscode/mcp.json: {"servers": {"oauth-mcp": {"type": "http", "url": "${mcp}"}}}`,
      `    Claude Desktop  {"mcpServers": {"oauth-mcp": {"command": "npx", "args": ["mcp-remote", "${mcp}"]}}}`,
      `    mcp-remote      npx mcp-remote ${mcp}`,
      `    MCP Inspector   npx @modelcontextprotocol/inspector  (transport Streamable HTTP, URL ${mcp})`,
      '',
    );
  }
  lines.push('  Stop with Ctrl-C.', '');
  return lines.join('\n');
}
