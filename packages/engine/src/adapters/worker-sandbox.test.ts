import { afterAll, describe, expect, it } from 'vitest';
import { WorkerSandbox } from './worker-sandbox.js';

const sandbox = new WorkerSandbox({ maxWorkersPerPool: 2 });
afterAll(() => sandbox.close());

const run = (code: string, options: { globals?: Record<string, unknown>; timeoutMs?: number; memoryMb?: number; signal?: AbortSignal } = {}) =>
  sandbox.run({
    code,
    globals: options.globals ?? { input: { n: 21 } },
    timeoutMs: options.timeoutMs ?? 1000,
    memoryMb: options.memoryMb ?? 64,
    signal: options.signal ?? new AbortController().signal,
  });

describe('WorkerSandbox', () => {
  it('runs code with its globals and captures console output', async () => {
    const result = await run('console.log("n is", input.n, { a: 1 }); await null; return { doubled: input.n * 2, list: [1, "x"] };');
    expect(result).toEqual({ value: { doubled: 42, list: [1, 'x'] }, logs: ['n is 21 {"a":1}'] });
    expect((await run('return undefined')).value).toBeNull();
  });

  it('gives no access to the hub process, modules, the file system or code generation', async () => {
    const probes = {
      process: 'return typeof process',
      require: 'return typeof require',
      importFn: 'try { await import("node:fs"); return "imported" } catch (e) { return "refused" }',
      fetch: 'return typeof fetch',
      timers: 'return typeof setTimeout',
      ctorEscape: 'try { return this.constructor.constructor("return typeof process")() } catch (e) { return e.name }',
      inputEscape: 'try { return input.constructor.constructor("return process")() } catch (e) { return e.name }',
      globalEscape: 'try { return globalThis.constructor.constructor("return process")() } catch (e) { return e.name }',
    };
    const results: Record<string, unknown> = {};
    for (const [name, code] of Object.entries(probes)) results[name] = (await run(code)).value;
    expect(results).toEqual({
      process: 'undefined',
      require: 'undefined',
      importFn: 'refused',
      fetch: 'undefined',
      timers: 'undefined',
      ctorEscape: 'EvalError',
      inputEscape: 'EvalError',
      globalEscape: 'EvalError',
    });
  });

  it('reports thrown errors with their message', async () => {
    await expect(run('throw new TypeError("bad input")')).rejects.toMatchObject({ code: 'CODE_ERROR', message: 'TypeError: bad input' });
    await expect(run('return new Promise(() => {})')).rejects.toMatchObject({ code: 'CODE_ERROR', message: expect.stringMatching(/never settles/) });
  });

  it('stops an endless loop at the time limit, and keeps working afterwards', async () => {
    const started = Date.now();
    await expect(run('while (true) {}', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'CODE_TIMEOUT' });
    await expect(run('for (;;) { await null }', { timeoutMs: 200 })).rejects.toMatchObject({ code: 'CODE_TIMEOUT' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await run('return 1')).value).toBe(1);
  });

  it('stops a memory bomb at the memory limit without harming the host', async () => {
    await expect(run('const a = []; for (;;) a.push(new Array(100000).fill(Math.random()))', { memoryMb: 16, timeoutMs: 20_000 })).rejects.toMatchObject({
      code: 'CODE_MEMORY',
    });
    expect((await run('return "still alive"', { memoryMb: 16 })).value).toBe('still alive');
  });

  it('is cancelled by its signal', async () => {
    const controller = new AbortController();
    const pending = run('while (true) {}', { timeoutMs: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(new Error('cancelled by test')), 50);
    await expect(pending).rejects.toThrow('cancelled by test');
  });
});
