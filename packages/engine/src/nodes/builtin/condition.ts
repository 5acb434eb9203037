import { toText } from '../../expr/index.js';
import type { NodeType } from '../types.js';

function cases(config: Record<string, unknown>): string[] {
  return Array.isArray(config.cases) ? config.cases.map((c) => toText(c)) : [];
}

/** If / switch: routes its input, unchanged, to one output. */
export const conditionNode: NodeType = {
  info: {
    type: 'condition',
    name: 'Condition',
    category: 'logic',
    description:
      'Routes the input to one output. "if": to "true" or "false" by a condition. "switch": to the output named by the first case equal to the value, or to "default".',
    fields: [
      {
        name: 'mode',
        label: 'Mode',
        type: 'select',
        default: 'if',
        help: 'if: two outputs; switch: one output per case plus "default".',
        options: [
          { value: 'if', label: 'If / else' },
          { value: 'switch', label: 'Switch' },
        ],
      },
      {
        name: 'condition',
        label: 'Condition',
        type: 'expression',
        required: true,
        help: 'True goes to the "true" output, anything else to "false". Example: {{ input.age >= 18 }}',
        showIf: { field: 'mode', equals: ['if'] },
      },
      {
        name: 'value',
        label: 'Value',
        type: 'expression',
        required: true,
        help: 'Compared (as text) with each case. Example: {{ trigger.body.plan }}',
        showIf: { field: 'mode', equals: ['switch'] },
      },
      {
        name: 'cases',
        label: 'Cases',
        type: 'list',
        required: true,
        help: 'The values to match; each one is also the name of an output. Example: ["free", "pro"]',
        showIf: { field: 'mode', equals: ['switch'] },
      },
    ],
    outputs: ['true', 'false'],
    dynamicOutputs: 'cases',
  },
  inline: true,
  outputs: (config) => (config.mode === 'switch' ? [...cases(config), 'default'] : ['true', 'false']),
  check: (config, report) => {
    if (config.mode !== 'switch') return;
    const list = cases(config);
    if (new Set(list).size !== list.length) report('cases', 'cases must be distinct');
    if (list.includes('default')) report('cases', '"default" is the output for values that match no case; it cannot be a case');
    if (list.some((c) => c.includes('{{'))) report('cases', 'cases are output names and cannot contain expressions');
    if (list.some((c) => c.length === 0 || c.length > 64)) report('cases', 'each case must be 1 to 64 characters');
  },
  run: ({ config, input }) => {
    if (config.mode === 'switch') {
      const value = toText(config.value);
      const match = cases(config).find((c) => c === value);
      return { output: input, branch: match ?? 'default' };
    }
    return { output: input, branch: config.condition === true || (config.condition !== 'false' && Boolean(config.condition)) ? 'true' : 'false' };
  },
};
