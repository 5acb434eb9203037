import type { StackFrame } from '../api/types';

const PYTHON_FRAME = /^\s*File "(.+)", line (\d+), in (.+)$/;
const V8_FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+)(?::(\d+))?\)?$/;

/** Paths of code the user did not write: standard libraries and installed packages. */
const LIBRARY_PATH = /site-packages|dist-packages|node_modules|^node:|<frozen |\/lib\/python\d|^internal\/|\/usr\/lib\//;

export function isLibraryPath(file: string): boolean {
  return LIBRARY_PATH.test(file);
}

/**
 * Frames of a stack trace text, innermost last (the protocol's order). Understands Python
 * tracebacks and V8 (Node, Chrome) stacks; lines it does not recognise are skipped.
 */
export function parseStack(stack: string | undefined): StackFrame[] {
  if (!stack) return [];
  const lines = stack.split('\n');
  const python: StackFrame[] = [];
  const v8: StackFrame[] = [];
  for (const line of lines) {
    const py = PYTHON_FRAME.exec(line);
    if (py) {
      python.push({ file: py[1]!, line: Number(py[2]), function: py[3]!.trim(), inApp: !isLibraryPath(py[1]!) });
      continue;
    }
    const js = V8_FRAME.exec(line);
    if (js) {
      const file = js[2]!.replace(/^file:\/\//, '');
      v8.push({ file, line: Number(js[3]), function: js[1]?.trim() || '<anonymous>', inApp: !isLibraryPath(file) });
    }
  }
  // V8 lists the innermost frame first.
  return python.length >= v8.length ? python : v8.reverse();
}

/** The frames to show: the structured ones when the sender gave them, else parsed from text. */
export function framesOf(error: { stack?: string | undefined; frames?: StackFrame[] | undefined }): StackFrame[] {
  if (error.frames && error.frames.length > 0) {
    return error.frames.map((f) => (f.inApp === undefined ? { ...f, inApp: !isLibraryPath(f.file) } : f));
  }
  return parseStack(error.stack);
}
