/**
 * The code run inside each sandbox worker thread (CommonJS, loaded with `eval: true` so it
 * needs no file next to the compiled output). Each job gets a fresh V8 context built from
 * nothing: no require, no process, no timers, no host objects. Input comes in as one JSON string
 * and is parsed inside the context; output leaves as one JSON string. `codeGeneration` is off
 * (no eval / new Function / wasm), and `microtaskMode: 'afterEvaluate'` makes the time limit
 * cover promise callbacks as well.
 */
export const SANDBOX_WORKER_SOURCE = String.raw`
'use strict';
const vm = require('node:vm');
const { parentPort } = require('node:worker_threads');

const PRELUDE = "(function (__in) {\n" +
  "  'use strict';\n" +
  "  const box = { logs: [] };\n" +
  "  const fmt = (v) => { if (typeof v === 'string') return v; try { return JSON.stringify(v); } catch (e) { return String(v); } };\n" +
  "  const log = (...args) => { if (box.logs.length < 1000) box.logs.push(args.map(fmt).join(' ').slice(0, 10000)); };\n" +
  "  globalThis.console = { log, info: log, warn: log, error: log, debug: log };\n" +
  "  const g = JSON.parse(__in);\n" +
  "  for (const key of Object.keys(g)) globalThis[key] = g[key];\n" +
  "  return box;\n" +
  "})";

parentPort.on('message', (job) => {
  let reply;
  try {
    const context = vm.createContext(Object.create(null), {
      name: 'runtime-hub code node',
      codeGeneration: { strings: false, wasm: false },
      microtaskMode: 'afterEvaluate',
    });
    const setup = vm.runInContext(PRELUDE, context);
    const box = setup(job.globals);
    const source = '(async () => {\n' + job.code + '\n})()';
    const script = new vm.Script(source, { filename: 'code-node.js', lineOffset: -1 });
    const promise = script.runInContext(context, { timeout: job.timeoutMs, breakOnSigint: false });
    const settle = vm.runInContext(
      "(function (p, box) { p.then(function (v) { box.value = JSON.stringify(v === undefined ? null : v); if (box.value === undefined) box.value = 'null'; }, function (e) { box.error = { name: String(e && e.name || 'Error'), message: String(e && e.message !== undefined ? e.message : e), stack: String(e && e.stack || '') }; }); })",
      context,
    );
    settle(promise, box);
    // Promise callbacks run in the context's own microtask queue: drain it within the time limit.
    vm.runInContext('void 0', context, { timeout: job.timeoutMs });
    const logs = Array.isArray(box.logs) ? box.logs.filter((l) => typeof l === 'string').slice(0, 1000) : [];
    if (box.error && typeof box.error.message === 'string') {
      reply = { id: job.id, error: { kind: 'thrown', name: String(box.error.name), message: box.error.message, stack: String(box.error.stack) }, logs };
    } else if (typeof box.value === 'string') {
      reply = { id: job.id, value: box.value, logs };
    } else {
      reply = { id: job.id, error: { kind: 'pending', name: 'Error', message: 'the code returned a promise that never settles (there are no timers or I/O in the sandbox)' }, logs };
    }
  } catch (error) {
    const timedOut = error && error.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT';
    reply = {
      id: job.id,
      error: {
        kind: timedOut ? 'timeout' : 'thrown',
        name: String((error && error.name) || 'Error'),
        message: String(error && error.message !== undefined ? error.message : error),
        stack: String((error && error.stack) || ''),
      },
      logs: [],
    };
  }
  parentPort.postMessage(reply);
});
`;
