/**
 * The one stack-trace parser, shared by the hub (error grouping at ingest, for senders that give
 * only stack text, such as OTLP's `exception.stacktrace`) and the dashboard (showing frames).
 * No dependencies, so the dashboard can import it alone: `@runtime-hub/protocol/stack`.
 */

/** A stack frame, innermost last; the same shape as the span schema's `StackFrame`. */
export interface ParsedFrame {
  file: string;
  line?: number | null | undefined;
  function: string;
  module?: string | undefined;
  inApp?: boolean | undefined;
}

// Python: `  File "/app/main.py", line 3, in run`
const PYTHON_FRAME = /^\s*File "(.+)", line (\d+), in (.+)$/;
// V8 (Node, Chrome, Deno): `    at fn (/app/a.js:10:5)`, `    at /app/a.js:10:5`, `    at async fn (file:///a.mjs:1:2)`
const V8_FRAME = /^\s*at (?:(.+?) \()?(.+?):(\d+)(?::(\d+))?\)?$/;
// SpiderMonkey / JavaScriptCore (Firefox, Safari, Bun): `fn@http://x/a.js:10:5`, `@/app/a.js:3:1`
const GECKO_FRAME = /^\s*([^@\s]*)@(.+?):(\d+)(?::(\d+))?$/;
// JVM: `	at com.acme.Cart.price(Cart.java:42)`
const JVM_FRAME = /^\s*at ([\w$.<>]+)\.([\w$<>]+)\(([^:()]+)(?::(\d+))?\)$/;

/** Paths of code the user did not write: standard libraries and installed packages. */
const LIBRARY_PATH = /site-packages|dist-packages|node_modules|^node:|<frozen |\/lib\/python\d|^internal\/|\/usr\/lib\/|^java\.|^jdk\./;

export function isLibraryPath(file: string): boolean {
  return LIBRARY_PATH.test(file);
}

/**
 * Frames of a stack trace text, innermost last (the protocol's order). Understands Python
 * tracebacks, V8 stacks (innermost first, so reversed), Firefox/Safari stacks and JVM stack
 * traces. Lines it does not recognise are skipped; the dialect with the most frames wins.
 *
 * @example
 *   parseStack('Error: x\n    at inner (/app/a.js:2:3)\n    at outer (/app/b.js:5:1)')
 *   // [{ file: '/app/b.js', line: 5, function: 'outer', inApp: true }, { file: '/app/a.js', line: 2, function: 'inner', inApp: true }]
 */
export function parseStack(stack: string | undefined | null): ParsedFrame[] {
  if (!stack) return [];
  const python: ParsedFrame[] = [];
  const innermostFirst: ParsedFrame[] = [];
  for (const line of stack.split('\n')) {
    const py = PYTHON_FRAME.exec(line);
    if (py) {
      python.push(frame(py[1]!, py[2], py[3]!.trim()));
      continue;
    }
    const jvm = JVM_FRAME.exec(line);
    if (jvm) {
      innermostFirst.push({ ...frame(jvm[3]!, jvm[4], jvm[2]!), module: jvm[1]!, inApp: !isLibraryPath(jvm[1]!) });
      continue;
    }
    const v8 = V8_FRAME.exec(line);
    if (v8) {
      innermostFirst.push(frame(v8[2]!, v8[3], v8[1]?.replace(/^async /, '').trim() || '<anonymous>'));
      continue;
    }
    const gecko = GECKO_FRAME.exec(line);
    if (gecko) innermostFirst.push(frame(gecko[2]!, gecko[3], gecko[1] || '<anonymous>'));
  }
  return python.length >= innermostFirst.length ? python : innermostFirst.reverse();
}

/** The frames to show and group by: the structured ones when the sender gave them, else parsed. */
export function framesOf(error: { stack?: string | undefined | null; frames?: readonly ParsedFrame[] | undefined | null }): ParsedFrame[] {
  if (error.frames && error.frames.length > 0) {
    return error.frames.map((f) => (f.inApp === undefined ? { ...f, inApp: !isLibraryPath(f.file) } : f));
  }
  return parseStack(error.stack);
}

function frame(rawFile: string, line: string | undefined, fn: string): ParsedFrame {
  const file = rawFile.replace(/^file:\/\//, '');
  return { file, line: line === undefined ? null : Number(line), function: fn, inApp: !isLibraryPath(file) };
}
