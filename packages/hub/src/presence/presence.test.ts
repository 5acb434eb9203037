import { afterEach, describe, expect, it } from 'vitest';
import type { Span } from '@runtime-hub/protocol';
import type { SpanStore } from '../store/store.js';
import { DEFAULT_PRESENCE_OPTIONS, Presence } from './presence.js';

// A store whose reads fail, as they do while the hub shuts down or if a reader thread dies.
const failingStore = {
  listServices: () => Promise.reject(new Error('span store is closed')),
} as unknown as SpanStore;

const span = { service: 'shop' } as Span;

describe('Presence', () => {
  const unhandled: unknown[] = [];
  const record = (reason: unknown) => unhandled.push(reason);
  afterEach(() => {
    process.off('unhandledRejection', record);
    unhandled.length = 0;
  });

  it('a failed background check is not an unhandled rejection (it would end the hub)', async () => {
    process.on('unhandledRejection', record);
    const changes: unknown[] = [];
    const presence = new Presence(failingStore, (services) => changes.push(services), { ...DEFAULT_PRESENCE_OPTIONS, checkIntervalMs: 5 });
    presence.start();
    presence.onSpans([span]);
    await new Promise((resolve) => setTimeout(resolve, 60));
    presence.stop();
    expect(unhandled).toEqual([]);
    expect(changes).toEqual([]);
  });
});
