import { permanent } from '../../errors.js';
import { toText } from '../../expr/index.js';
import type { NodeType } from '../types.js';

/** JavaScript in an isolated sandbox, opt-in per project. */
export const codeNode: NodeType = {
  info: {
    type: 'code',
    name: 'Code',
    category: 'data',
    description:
      'Runs JavaScript in an isolated sandbox (a worker thread with its own heap limit, code in a fresh V8 context with no require, process, file system or network) and outputs what it returns. Globals: input, nodes, trigger, env, run; console.log is captured. Needs "allowCode" in the project settings.',
    fields: [
      {
        name: 'code',
        label: 'Code',
        type: 'code',
        required: true,
        expressions: false,
        default: 'return { ...input };',
        help: 'The body of an async function; its return value (JSON) is the output. Example: return input.items.filter(i => i.price > 10);',
      },
      { name: 'timeoutMs', label: 'Time limit (ms)', type: 'number', default: 5000, min: 1, max: 300_000, help: 'Execution time limit.' },
      { name: 'memoryMb', label: 'Memory limit (MB)', type: 'number', default: 64, min: 8, max: 2048, help: 'Heap limit of the sandbox.' },
    ],
    outputs: ['main'],
    requires: 'allowCode',
  },
  run: async (context) => {
    if (!context.project.settings.allowCode) {
      throw permanent('NODE_NOT_ALLOWED', `code nodes are disabled in project "${context.project.id}"; enable settings.allowCode to run them`);
    }
    const sandbox = context.services.sandbox;
    if (!sandbox) throw permanent('INTERNAL', 'this engine was started without a code sandbox');
    const result = await sandbox.run({
      code: toText(context.config.code),
      globals: context.globals(),
      timeoutMs: context.config.timeoutMs as number,
      memoryMb: context.config.memoryMb as number,
      signal: context.signal,
    });
    if (result.logs.length > 0) context.setAttributes({ 'code.logs': result.logs.slice(0, 100).map((l) => l.slice(0, 2000)) });
    return { output: result.value ?? null };
  },
};
