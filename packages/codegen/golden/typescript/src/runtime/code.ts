import { createContext, runInContext } from 'node:vm';
import { NodeFailure, permanent } from '../engine/errors.js';
import { toText } from '../engine/expr/index.js';
import type { NodeContext } from './nodes.js';
import type { NodeResult } from './types.js';

/**
 * The code node: the body of an async function over JSON globals (`input`, `inputs`, `nodes`,
 * `trigger`, `env`, `run`, `loop`), in a fresh `node:vm` context with no require, process, timers
 * or network, and code generation from strings disabled. The hub adds a worker thread with its own
 * heap limit; an exported app runs only the code its own author wrote.
 */
export async function runCode(context: NodeContext): Promise<NodeResult> {
  const { app, config } = context;
  if (!app.project.settings.allowCode) {
    throw permanent('NODE_NOT_ALLOWED', `code nodes are disabled in project "${app.project.id}"; enable settings.allowCode to run them`);
  }
  const limit = config.timeoutMs as number;
  const logs: string[] = [];
  const sandbox = createContext(
    { __globals: JSON.stringify(context.globals()), __log: (...parts: unknown[]) => logs.push(parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ')) },
    { codeGeneration: { strings: false, wasm: false } },
  );
  const source = `(() => { const { input, inputs, nodes, trigger, env, run, loop } = JSON.parse(__globals); const console = { log: __log, info: __log, warn: __log, error: __log };
return (async () => {\n${toText(config.code)}\n})().then((value) => JSON.stringify(value === undefined ? null : value)); })()`;
  let timer: NodeJS.Timeout | undefined;
  try {
    const text = await Promise.race([
      runInContext(source, sandbox, { timeout: limit, microtaskMode: 'afterEvaluate' } as Parameters<typeof runInContext>[2]) as Promise<string>,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new NodeFailure('CODE_TIMEOUT', `the code ran longer than ${limit} ms`, { nonRetryable: true })), limit);
      }),
    ]);
    return { output: JSON.parse(text) as unknown };
  } catch (error) {
    if (error instanceof NodeFailure) throw error;
    const e = error as Error;
    if (/Script execution timed out/.test(e.message)) throw new NodeFailure('CODE_TIMEOUT', `the code ran longer than ${limit} ms`, { nonRetryable: true });
    throw new NodeFailure('CODE_ERROR', `${e.name}: ${e.message}`, { details: { logs } });
  } finally {
    clearTimeout(timer);
  }
}
