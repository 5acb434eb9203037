import { toText } from '../../expr/index.js';
import { permanent } from '../../errors.js';
import type { NodeType } from '../types.js';

/** Pauses the run durably: the due time is persisted and survives restarts. */
export const waitNode: NodeType = {
  info: {
    type: 'wait',
    name: 'Wait',
    category: 'flow',
    description:
      'Waits for a duration or until a time, then passes its input on. Durable: the due time is stored, a restart keeps it, and a wait that fell due while the hub was down fires right after the restart.',
    fields: [
      {
        name: 'mode',
        label: 'Mode',
        type: 'select',
        default: 'duration',
        help: 'Wait for a duration, or until a point in time.',
        options: [
          { value: 'duration', label: 'For a duration' },
          { value: 'until', label: 'Until a time' },
        ],
      },
      {
        name: 'duration',
        label: 'Duration',
        type: 'duration',
        required: true,
        help: 'Milliseconds, or "30s", "5m", "48h", "1h30m".',
        showIf: { field: 'mode', equals: ['duration'] },
      },
      {
        name: 'until',
        label: 'Until',
        type: 'string',
        required: true,
        help: 'An ISO 8601 time or epoch milliseconds. Example: {{ trigger.body.remindAt }}',
        showIf: { field: 'mode', equals: ['until'] },
      },
    ],
    outputs: ['main'],
  },
  inline: true,
  run: ({ config, input, now }) => {
    if (config.mode === 'until') {
      const text = toText(config.until);
      const at = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
      if (Number.isNaN(at)) throw permanent('CONFIG_INVALID', `"until" is not a time: ${JSON.stringify(text)}`, 'until');
      return { output: input, waitUntil: Math.max(at, now()) };
    }
    return { output: input, waitUntil: now() + (config.duration as number) };
  },
};

/** Waits for all its inputs and combines them. */
export const mergeNode: NodeType = {
  info: {
    type: 'merge',
    name: 'Merge',
    category: 'flow',
    description:
      'Waits until every incoming branch has either delivered a value or been skipped, then combines the values that arrived.',
    fields: [
      {
        name: 'mode',
        label: 'Combine as',
        type: 'select',
        default: 'object',
        help: 'object: { <source node id>: value }; array: values in edge order; merge: the objects merged (later edges win); first: the first value in edge order.',
        options: [
          { value: 'object', label: 'Object keyed by source node' },
          { value: 'array', label: 'Array' },
          { value: 'merge', label: 'Merged object' },
          { value: 'first', label: 'First value' },
        ],
      },
    ],
    outputs: ['main'],
  },
  inline: true,
  run: ({ config, inputs }) => {
    switch (config.mode) {
      case 'array':
        return { output: inputs.map((i) => i.value) };
      case 'first':
        return { output: inputs[0]?.value ?? null };
      case 'merge': {
        const out: Record<string, unknown> = {};
        for (const { value } of inputs) if (value !== null && typeof value === 'object' && !Array.isArray(value)) Object.assign(out, value);
        return { output: out };
      }
      default:
        return { output: Object.fromEntries(inputs.map((i) => [i.source, i.value])) };
    }
  },
};

/** Runs its body once per item; the runner drives it (see run/state.ts). */
export const loopNode: NodeType = {
  info: {
    type: 'loop',
    name: 'Loop over items',
    category: 'flow',
    description:
      'Sends each item to the "item" output, one at a time; the nodes connected after it form the loop body, and an edge from the body back to the loop ends an iteration. When all items are done, the "done" output carries the values that came back, in order. Inside the body, {{ loop.index }} and {{ loop.item }} describe the current item.',
    fields: [
      {
        name: 'items',
        label: 'Items',
        type: 'expression',
        default: '{{ input }}',
        help: 'The list to loop over. Example: {{ nodes.fetch.output.body.results }}',
      },
    ],
    outputs: ['item', 'done'],
  },
  inline: true,
  run: () => {
    throw permanent('INTERNAL', 'the loop node is driven by the runner');
  },
};

/** Sets the HTTP answer of a public workflow. */
export const respondNode: NodeType = {
  info: {
    type: 'respond',
    name: 'Respond',
    category: 'flow',
    description:
      'Sets the HTTP answer of a public workflow (status, headers, body) and sends it as soon as the node runs; the rest of the workflow keeps running. Its output is the body.',
    fields: [
      { name: 'status', label: 'Status', type: 'number', default: 200, min: 100, max: 599, help: 'HTTP status code.' },
      { name: 'headers', label: 'Headers', type: 'map', default: {}, help: 'Response headers.' },
      { name: 'body', label: 'Body', type: 'json', default: '{{ input }}', help: 'The response body; JSON unless it is text.' },
    ],
    outputs: ['main'],
  },
  inline: true,
  run: ({ config }) => {
    const headers: Record<string, string> = {};
    const raw = config.headers;
    if (raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
      for (const [name, value] of Object.entries(raw)) headers[name.toLowerCase()] = toText(value);
    }
    const status = config.status as number;
    if (!Number.isInteger(status) || status < 100 || status > 599) {
      throw permanent('CONFIG_INVALID', `"status" must be an HTTP status, not ${JSON.stringify(config.status)}`, 'status');
    }
    return { output: config.body, response: { status, headers, body: config.body } };
  },
};
