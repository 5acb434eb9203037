import type { FastifyInstance } from 'fastify';
import type { HubContext } from '../context.js';
import { injectedHubApi } from './hub-api.js';

/** The MCP SDK is loaded on the first MCP request: a hub nobody asks over MCP does not carry it in memory. */
const loadSdk = (() => {
  let loading: ReturnType<typeof load> | undefined;
  const load = () => Promise.all([import('@modelcontextprotocol/sdk/server/streamableHttp.js'), import('./mcp-server.js')]);
  return () => (loading ??= load());
})();

/**
 * `POST /mcp`: the Model Context Protocol over Streamable HTTP, stateless (a server and transport
 * per request, the SDK's stateless pattern): no session state to leak or to lose on restart.
 * The route sits behind the hub's token and origin checks like every other route; the tools call
 * the hub's API in process with the caller's own credentials.
 */
export function registerMcp(app: FastifyInstance, ctx: HubContext): void {
  app.post('/mcp', { schema: { tags: ['mcp'], summary: 'Model Context Protocol (Streamable HTTP, stateless): tools to query runs, traces, errors, sessions' } }, async (request, reply) => {
    const api = injectedHubApi(app, {
      host: request.headers.host,
      authorization: request.headers.authorization,
      cookie: request.headers.cookie,
    });
    const [{ StreamableHTTPServerTransport }, { createMcpServer }] = await loadSdk();
    const server = createMcpServer(api, { allowWorkflowRuns: ctx.config.mcpWorkflowRuns === true });
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on('close', () => {
      void transport.close();
      void server.close();
    });
    await server.connect(transport);
    await transport.handleRequest(request.raw, reply.raw, request.body);
  });
  // Stateless: no server-initiated stream to open and no session to end.
  for (const method of ['GET', 'DELETE'] as const) {
    app.route({
      method,
      url: '/mcp',
      schema: { tags: ['mcp'], summary: `Model Context Protocol: ${method} is not used by this stateless server (405)` },
      handler: (_request, reply) => reply.status(405).header('allow', 'POST').send({ jsonrpc: '2.0', error: { code: -32000, message: 'Method not allowed: this MCP endpoint is stateless; use POST' }, id: null }),
    });
  }
}
