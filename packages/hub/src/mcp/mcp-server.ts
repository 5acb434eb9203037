import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { HUB_VERSION } from '../version.js';
import { boundedJson } from './bounded.js';
import { HubApiError, type HubApi } from './hub-api.js';
import { READ_TOOLS, type HubTool } from './read-tools.js';
import { WORKFLOW_TOOLS } from './workflow-tools.js';

export interface McpOptions {
  /** Adds the tools that start workflow runs (off by default). */
  allowWorkflowRuns?: boolean;
}

/** The tools a server built with these options offers. */
export function toolsFor(options: McpOptions): HubTool[] {
  return options.allowWorkflowRuns ? [...READ_TOOLS, ...WORKFLOW_TOOLS] : READ_TOOLS;
}

/**
 * An MCP server (the official SDK's) whose tools query the hub through `api`. A failing hub call
 * becomes a tool error the model can read (`isError` with the hub's code and message), not a
 * protocol error, as the MCP spec asks for errors a model can act on.
 */
export function createMcpServer(api: HubApi, options: McpOptions = {}): McpServer {
  const server = new McpServer(
    { name: 'runtime-hub', version: HUB_VERSION },
    { instructions: 'runtime-hub records every tracked call, LLM call, agent step and workflow run of the apps that send to it. Start with list_services, list_traces or list_errors; open a trace with get_trace and one call with get_span.' },
  );
  for (const tool of toolsFor(options)) {
    server.registerTool(
      tool.name,
      {
        title: tool.title,
        description: tool.description,
        inputSchema: tool.input,
        annotations: { readOnlyHint: tool.readOnly, openWorldHint: false, destructiveHint: false },
      },
      async (args: Record<string, unknown>) => {
        try {
          const result = await tool.run(api, args);
          return { content: [{ type: 'text' as const, text: boundedJson(result) }] };
        } catch (error) {
          const text = error instanceof HubApiError ? `${error.code}: ${error.message}` : `INTERNAL: ${(error as Error).message}`;
          return { isError: true, content: [{ type: 'text' as const, text }] };
        }
      },
    );
  }
  return server;
}
