import type { WireError, WireStackFrame } from './wire.js';

const MAX_FRAMES = 64;
const MAX_MESSAGE = 8 * 1024;
const MAX_STACK = 16 * 1024;

/**
 * Turns whatever was thrown into the span's error: type, message, the V8 stack text and parsed
 * frames (innermost last, like a Python traceback; frames of Node itself and of node_modules are
 * marked inApp: false). Runs when the record is serialized, never on the call path.
 *
 * @example
 *   toWireError(new TypeError('bad')) // { type: 'TypeError', message: 'bad', stack: '…', frames: [...] }
 */
export function toWireError(thrown: unknown): WireError {
  if (thrown instanceof Error) {
    const type = thrown.name && thrown.name !== 'Error' ? thrown.name : thrown.constructor?.name || 'Error';
    const out: WireError = { type: type.slice(0, 256), message: clip(String(thrown.message), MAX_MESSAGE) };
    const stack = readStack(thrown);
    if (stack) {
      out.stack = clip(stack, MAX_STACK);
      const frames = parseFrames(stack);
      if (frames.length > 0) out.frames = frames;
    }
    return out;
  }
  if (thrown !== null && typeof thrown === 'object') {
    const record = thrown as { name?: unknown; message?: unknown };
    return {
      type: typeof record.name === 'string' ? record.name : 'NonError',
      message: clip(typeof record.message === 'string' ? record.message : safeJson(thrown), MAX_MESSAGE),
    };
  }
  return { type: 'NonError', message: clip(String(thrown), MAX_MESSAGE) };
}

function readStack(error: Error): string | undefined {
  try {
    return typeof error.stack === 'string' ? error.stack : undefined;
  } catch {
    return undefined;
  }
}

// "    at fn (file:line:col)", "    at file:line:col", "    at async fn (file:line:col)"
const FRAME = /^\s*at (?:(async )?(.*?) \()?(.*?)(?::(\d+))?(?::\d+)?\)?$/;

export function parseFrames(stack: string): WireStackFrame[] {
  const frames: WireStackFrame[] = [];
  for (const line of stack.split('\n')) {
    if (!line.trimStart().startsWith('at ')) continue;
    const match = FRAME.exec(line);
    if (!match) continue;
    const file = match[3] ?? '';
    const fn = match[2] ?? '';
    frames.push({
      file,
      line: match[4] ? Number(match[4]) : null,
      function: fn || '<anonymous>',
      inApp: isInApp(file),
    });
    if (frames.length === MAX_FRAMES) break;
  }
  return frames.reverse();
}

function isInApp(file: string): boolean {
  return !(file.startsWith('node:') || file.includes('/node_modules/') || file.includes('\\node_modules\\') || file === 'native' || file === '<anonymous>');
}

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more chars)`;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
