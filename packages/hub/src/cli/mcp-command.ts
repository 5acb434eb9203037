import { parseArgs } from 'node:util';
import { resolveToken, UsageError } from './args.js';
import type { Command } from './command.js';

const DEFAULT_URL = 'http://127.0.0.1:8765';

function help(): string {
  return `Usage: runtime-hub mcp [options]

Speaks the Model Context Protocol on stdin/stdout, so a coding agent (Claude Code, Cursor, …)
can query its own runs in a running hub: search spans, open traces, list errors, sessions,
agent runs and workflow runs. See docs/mcp.md.

  claude mcp add runtime-hub -- npx runtime-hub mcp

Options:
  --url URL              the hub (default $RUNTIME_HUB_URL, else ${DEFAULT_URL})
  --token TOKEN          bearer token of the hub (default $RUNTIME_HUB_TOKEN)
  --token-file PATH      read the token from this file instead (default $RUNTIME_HUB_TOKEN_FILE)
  --allow-workflow-runs  also offer start_workflow_run (off: read-only tools only)
  -h, --help             show this help
`;
}

export const mcpCommand: Command = {
  name: 'mcp',
  summary: 'Model Context Protocol server on stdio: lets a coding agent query the hub',
  help,
  async run(argv) {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        strict: true,
        options: {
          url: { type: 'string' },
          token: { type: 'string' },
          'token-file': { type: 'string' },
          'allow-workflow-runs': { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      }));
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    if (values.help) {
      process.stdout.write(help());
      return 0;
    }
    const url = values.url ?? (process.env.RUNTIME_HUB_URL || DEFAULT_URL);
    try {
      new URL(url);
    } catch {
      throw new UsageError(`--url: not a URL: ${JSON.stringify(url)}`);
    }
    const token = resolveToken({ token: values.token, tokenFile: values['token-file'] }, process.env);
    const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
    const { httpHubApi } = await import('../mcp/hub-api.js');
    const { createMcpServer } = await import('../mcp/mcp-server.js');
    const server = createMcpServer(httpHubApi(url, token), { allowWorkflowRuns: values['allow-workflow-runs'] === true });
    const transport = new StdioServerTransport();
    // stdout belongs to the protocol: anything human goes to stderr.
    process.stderr.write(`runtime-hub mcp: serving ${url} on stdio\n`);
    const closed = new Promise<void>((resolve) => {
      transport.onclose = () => resolve();
      process.stdin.once('end', () => resolve());
      process.once('SIGINT', () => resolve());
      process.once('SIGTERM', () => resolve());
    });
    await server.connect(transport);
    await closed;
    await server.close();
    return 0;
  },
};
