import { createHash } from 'node:crypto';
import { parseStack, type SpanError, type StackFrame } from '@runtime-hub/protocol';

/**
 * Errors are grouped by type + message + top frame (the innermost frame of the app's own code),
 * so the same failure from many calls lands in one group. Senders that give only stack text (OTLP's
 * exception.stacktrace) are grouped by the frames parsed from it, so two call sites stay apart.
 */
export function errorGroupOf(error: SpanError): string {
  const frame = topFrame(groupFrames(error));
  const key = `${error.type}\n${error.message}\n${frame ? formatFrame(frame) : ''}`;
  return createHash('sha1').update(key).digest('hex').slice(0, 16);
}

/** The frames the sender gave, else the frames of its stack text. */
export function groupFrames(error: SpanError): readonly StackFrame[] {
  return error.frames && error.frames.length > 0 ? error.frames : parseStack(error.stack);
}

/** The innermost in-app frame, else the innermost frame. Frames are ordered innermost last. */
export function topFrame(frames: readonly StackFrame[] | undefined): StackFrame | undefined {
  if (!frames || frames.length === 0) return undefined;
  for (let i = frames.length - 1; i >= 0; i--) {
    if (frames[i]!.inApp !== false) return frames[i];
  }
  return frames[frames.length - 1];
}

export function formatFrame(frame: StackFrame): string {
  return `${frame.function} (${frame.file}${frame.line != null ? `:${frame.line}` : ''})`;
}
