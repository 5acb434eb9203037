import type { NodeType } from '../types.js';

/** The start of every workflow. Its output is the trigger data (`{ type, body, … }`). */
export const triggerNode: NodeType = {
  info: {
    type: 'trigger',
    name: 'Trigger',
    category: 'trigger',
    description:
      'Starts the workflow. Outputs the trigger data: { type, body } for a manual run or a workflow call; { type, method, path, params, query, headers, body } for a webhook; { type, scheduledAt, firedAt } for cron. The workflow\'s "trigger" setting says which.',
    fields: [],
    outputs: ['main'],
  },
  inline: true,
  run: (context) => ({ output: context.trigger }),
};
