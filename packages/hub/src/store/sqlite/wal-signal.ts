/**
 * The words the writer thread, the main thread and the checkpoint thread share
 * (Checkpointer.signal, an Int32Array over a SharedArrayBuffer).
 */
/** Index of the flags the checkpoint thread waits on. */
export const FLAGS = 0;
/** Flag raised by the writer: the WAL passed its limit, copy it back now. */
export const WAL_OVER_LIMIT = 1;
/** Flag raised by the main thread: the checkpoint thread closes its connection and ends. */
export const CHECKPOINTER_STOP = 2;
/** Index of a word the checkpoint thread sets to 1 once it copied the WAL back after WAL_OVER_LIMIT. */
export const COPIED = 1;
export const SIGNAL_WORDS = 2;
