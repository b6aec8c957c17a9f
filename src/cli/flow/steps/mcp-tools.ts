import { jsonRpcReader } from '../json-rpc.js';
import type { StepContext, FlowStep } from '../runner.js';
import type { FlowState } from '../state.js';

/** The six tools of the original demo. */
export const EXPECTED_TOOLS = ['oauth_authenticate', 'get_user_profile', 'get_data', 'create_data', 'update_data', 'delete_data'];

interface RpcResponse {
  jsonrpc?: string;
  id?: number;
  result?: Record<string, unknown>;
  error?: { code: number; message: string };
}

/** One JSON-RPC request over Streamable HTTP with the token and, after initialize, the session headers. */
async function rpc(ctx: StepContext, state: FlowState, id: number, method: string, params: unknown): Promise<{ res: Response; body: RpcResponse }> {
  const headers: Record<string, string> = {
    accept: 'application/json, text/event-stream',
    authorization: `Bearer ${state.tokens!.accessToken}`,
  };
  if (state.session) {
    headers['mcp-session-id'] = state.session.id;
    headers['mcp-protocol-version'] = state.session.protocolVersion;
  }
  const { res, json } = await ctx.send({ url: state.mcpUrl, headers, json: { jsonrpc: '2.0', id, method, params } }, jsonRpcReader(id));
  ctx.check(res.status === 200, `${method}: HTTP ${res.status}`);
  const body = json as RpcResponse | undefined;
  ctx.check(body?.jsonrpc === '2.0', `${method}: no JSON-RPC 2.0 response with id ${id}`);
  ctx.check(!body.error, `${method}: error ${body.error?.code} ${body.error?.message}`);
  return { res, body };
}

/** Step 9: the client connects again, now with the token, and opens a session. */
export const initializeStep: FlowStep<FlowState> = {
  diagram: '9',
  title: 'initialize an MCP session with the token',
  follows: 'MCP Lifecycle "Initialization"; MCP Transports "Session Management"; RFC 6750 §2.1',
  needs: ['tokens'],
  async run(ctx: StepContext, state: FlowState) {
    const { res, body } = await rpc(ctx, state, 1, 'initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'oauth-mcp flow', version: '1.0' },
    });
    const version = String(body.result?.protocolVersion ?? '');
    const sessionId = res.headers.get('mcp-session-id');
    ctx.check(sessionId, 'no Mcp-Session-Id header on the initialize response', `session ${sessionId}, protocol ${version}`);
    state.session = { id: sessionId, protocolVersion: version };
    const sent = await ctx.send({
      url: state.mcpUrl,
      headers: {
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${state.tokens!.accessToken}`,
        'mcp-session-id': sessionId,
        'mcp-protocol-version': version,
      },
      json: { jsonrpc: '2.0', method: 'notifications/initialized' },
    });
    ctx.check(sent.res.status === 202, `notifications/initialized: HTTP ${sent.res.status}, expected 202`, 'initialized notification accepted (202)');
  },
};

export const listToolsStep: FlowStep<FlowState> = {
  diagram: '9',
  title: 'tools/list → the six tools',
  follows: 'MCP Server Features "Tools" (tools/list)',
  needs: ['session'],
  async run(ctx: StepContext, state: FlowState) {
    const { body } = await rpc(ctx, state, 2, 'tools/list', {});
    const names = ((body.result?.tools as { name: string }[] | undefined) ?? []).map((t) => t.name);
    const missing = EXPECTED_TOOLS.filter((t) => !names.includes(t));
    ctx.check(missing.length === 0, `missing tools: ${missing.join(', ')}`, `${names.length} tools: ${names.join(', ')}`);
  },
};

function toolText(result: Record<string, unknown> | undefined): string {
  const content = (result?.content as { type: string; text?: string }[] | undefined) ?? [];
  return content.map((c) => c.text ?? '').join(' ').trim();
}

export const createDataStep: FlowStep<FlowState> = {
  diagram: '9-13',
  title: 'tools/call create_data (write scope)',
  follows: 'MCP "Tools" (tools/call); steps 10-12: the tool calls the data service for the token\'s subject',
  needs: ['session'],
  async run(ctx: StepContext, state: FlowState) {
    const { body } = await rpc(ctx, state, 3, 'tools/call', { name: 'create_data', arguments: { name: 'Test', value: 100 } });
    ctx.check(body.result?.isError !== true, `create_data failed: ${toolText(body.result)}`, toolText(body.result));
    const item = (body.result?.structuredContent as { item?: { id?: number } } | undefined)?.item;
    ctx.check(typeof item?.id === 'number', 'create_data returned no item id');
    state.createdItemId = item.id;
  },
};

export const getDataStep: FlowStep<FlowState> = {
  diagram: '9-13',
  title: 'tools/call get_data (read scope) returns the item',
  follows: 'MCP "Tools" (tools/call); structuredContent and text content',
  needs: ['session', 'createdItemId'],
  async run(ctx: StepContext, state: FlowState) {
    const { body } = await rpc(ctx, state, 4, 'tools/call', { name: 'get_data', arguments: {} });
    const items = (body.result?.structuredContent as { items?: { id: number }[] } | undefined)?.items ?? [];
    ctx.check(
      items.some((i) => i.id === state.createdItemId),
      `item #${state.createdItemId} is not in the list`,
      `item #${state.createdItemId} is in the list (${items.length} item(s))`,
    );
  },
};

export const closeSessionStep: FlowStep<FlowState> = {
  diagram: '9',
  title: 'end the MCP session',
  follows: 'MCP Transports "Session Management" (DELETE ends a session)',
  needs: ['session'],
  async run(ctx: StepContext, state: FlowState) {
    const { res } = await ctx.send({
      method: 'DELETE',
      url: state.mcpUrl,
      headers: { authorization: `Bearer ${state.tokens!.accessToken}`, 'mcp-session-id': state.session!.id, 'mcp-protocol-version': state.session!.protocolVersion },
    });
    ctx.check(res.status === 200 || res.status === 204 || res.status === 405, `DELETE answered ${res.status}`, 'session ended');
  },
};
