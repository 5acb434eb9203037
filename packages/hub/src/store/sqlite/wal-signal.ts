/**
 * The word the writer thread, the main thread and the checkpoint thread share (Checkpointer.signal,
 * one Int32 over a SharedArrayBuffer): the WAL's truncation cycle in its low bits, a stop flag above.
 *
 * IDLE → REQUESTED (the writer: the WAL passed its limit) → COPIED (the checkpoint thread: most of
 * it is copied back) → IDLE (the writer truncated it). One request at a time, so the two threads
 * never race each other for SQLite's checkpoint lock, which SQLite does not wait for.
 */
export const WAL_STATE = 3;
export const IDLE = 0;
export const REQUESTED = 1;
export const COPIED = 2;
/** Raised by the main thread: the checkpoint thread closes its connection and ends. */
export const CHECKPOINTER_STOP = 4;
