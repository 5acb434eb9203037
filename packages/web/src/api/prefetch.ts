import { api } from './client';
import type { TraceOutline } from './types';

const TRACE_PATH = /^\/traces\/([0-9a-fA-F]{32})\/?$/;
const pending = new Map<string, Promise<TraceOutline>>();

/**
 * When the page is opened on a trace's address, its outline is requested before React and the
 * trace view's code have even loaded; `useTrace` then takes the response in flight. Returns
 * whether the address is a trace's.
 */
export function prefetchForLocation(pathname: string): boolean {
  const match = TRACE_PATH.exec(pathname);
  if (!match) return false;
  const traceId = match[1]!.toLowerCase();
  const request = api.traceOutline(traceId);
  request.catch(() => undefined); // handled by whoever takes it
  pending.set(traceId, request);
  return true;
}

/** The prefetched outline of a trace, once; undefined when none was started. */
export function takePrefetchedOutline(traceId: string): Promise<TraceOutline> | undefined {
  const request = pending.get(traceId);
  pending.delete(traceId);
  return request;
}
