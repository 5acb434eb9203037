import type { Clock, Timer } from '../ports.js';
import { NodeFailure } from '../errors.js';
import type { NodeResult } from '../nodes/types.js';

/**
 * Runs one attempt of an asynchronous node: the attempt's signal is aborted by the node's time
 * limit (NODE_TIMEOUT, retryable) or from outside (cancel, run timeout), and the attempt settles
 * as soon as it is aborted, whether or not the node honours the signal.
 */
export function runAttempt(
  run: (signal: AbortSignal) => Promise<NodeResult>,
  options: { clock: Clock; timeoutMs?: number; nodeId: string },
): { controller: AbortController; timer?: Timer; result: Promise<NodeResult> } {
  const controller = new AbortController();
  const { signal } = controller;
  let timer: Timer | undefined;
  if (options.timeoutMs !== undefined) {
    const limit = options.timeoutMs;
    timer = options.clock.setTimer(options.clock.now() + limit, () => {
      controller.abort(new NodeFailure('NODE_TIMEOUT', `node "${options.nodeId}" ran longer than ${limit} ms`));
    });
  }
  const aborted = new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
  const attempt = (async () => run(signal))();
  return { controller, timer, result: Promise.race([attempt, aborted]) };
}
