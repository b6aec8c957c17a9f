/**
 * The public entry of the package: an OAuth 2.1 authorization server and an OAuth-protected MCP server as
 * building blocks (docs/library.md). Everything here is built from options; nothing reads the environment.
 */
export { openStore, type Store } from './store/index.js';
export {
  createAuthorizationServer,
  type AuthorizationServer,
  type AuthorizationServerOptions,
  type ProtectedResourceOptions,
  type SignIn,
  type SignInRequest,
  type SignInDecision,
} from './runtime/authorization-server.js';
export { createMcpServer, type McpServerOptions, type ProtectedMcpServer, type ToolContext, type ToolScopes, type UpstreamTokenSource } from './runtime/mcp-server.js';
export { combine, type CombinedApp } from './runtime/one-origin.js';
export type { HttpApp, ListenOptions, Served } from './runtime/serve.js';
export { defineTool, type Caller, type ToolDefinition, type ToolOutcome } from './mcp/tool.js';
export { callerFromAuthInfo } from './mcp/auth-info.js';
export type { ScopeDefinition, ScopeDefinitions } from './oauth/scope-catalog.js';
export type { IdentityProviderConfig, IdpPolicy } from './idp/presets.js';
export type { ToolDeclaration } from './web/scope-catalog.js';
export type { Clock } from './clock.js';
export type { Logger } from './log/logger.js';
export * from './resource-server/index.js';
