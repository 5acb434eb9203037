import { z } from 'zod';
import type { HubTool } from './read-tools.js';

/**
 * Tools that change something: off unless the hub is started with `--mcp-workflows` (HTTP) or
 * `runtime-hub mcp --allow-workflow-runs` (stdio), because a coding agent that can start workflows
 * can reach whatever those workflows reach.
 */
export const WORKFLOW_TOOLS: HubTool[] = [
  {
    name: 'start_workflow_run',
    title: 'Start a workflow run',
    description: 'Starts a manual run of a workflow with the given trigger data and waits up to timeoutMs for it to end; returns its id, status, output and error.',
    input: {
      project: z.string(),
      workflow: z.string(),
      input: z.unknown().optional().describe('the trigger data (JSON); the workflow reads it as {{ trigger.body }}'),
      timeoutMs: z.number().int().min(0).max(120_000).default(30_000),
    },
    readOnly: false,
    run: (api, args) =>
      api.request('POST', `/api/v1/projects/${encodeURIComponent(String(args.project))}/workflows/${encodeURIComponent(String(args.workflow))}/runs`, {
        query: { wait: 'true', timeoutMs: Number(args.timeoutMs) },
        body: args.input ?? null,
      }),
  },
];
