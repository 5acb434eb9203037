import { getClient } from '../client.js';
import { storage } from '../context.js';
import { SpanState } from '../span.js';
import type { Tracker } from '../tracker.js';
import type { Player } from './player.js';

type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

/**
 * The wrapper of a tracked function in a process `runtime-hub replay` started: each call finds its
 * place, then is replayed (the recorded result returned, `fn` not called) or runs for real — the
 * checkpoint with the edited arguments. Calls outside the replayed run take the normal wrapper.
 */
export function replayWrapper(fn: AnyFunction, tracker: Tracker, normal: AnyFunction, player: Player): AnyFunction {
  return function (this: unknown, ...args: unknown[]): unknown {
    if (!getClient().enabled || new.target !== undefined) return Reflect.apply(normal, this, args);
    const place = player.placeFor(storage.getStore(), tracker.spanName(this));
    if (place === undefined) return Reflect.apply(normal, this, args);
    if (player.isCheckpoint(place)) args = player.editedArgs(args);
    const entered = tracker.enter(this, args as unknown as IArguments);
    const span = entered instanceof SpanState ? entered : undefined;
    if (span) player.enter(span, place);
    let call;
    try {
      call = player.decide(place, tracker.spanName(this), span, span?.input);
    } catch (error) {
      if (entered !== undefined) tracker.failed(entered, error);
      throw error;
    }
    if (call !== undefined) {
      const outcome = player.outcome(call);
      if ('thrown' in outcome) {
        if (entered !== undefined) tracker.failed(entered, outcome.thrown);
        throw outcome.thrown;
      }
      return entered === undefined ? outcome.value : tracker.returned(entered, outcome.value);
    }
    if (entered === undefined) return Reflect.apply(fn, this, args);
    let result: unknown;
    try {
      result = Reflect.apply(fn, this, args);
    } catch (error) {
      tracker.failed(entered, error);
      throw error;
    }
    return tracker.returned(entered, result);
  };
}
