/**
 * The SDK's own diagnostics. Silent unless `debug: true` (or RUNTIME_HUB_DEBUG=1), because an
 * observability library must not add noise to the host app's output. Configuration mistakes are
 * reported once with `warnUser`, never thrown.
 */
let debugEnabled = false;
const warned = new Set<string>();

export function setDebug(enabled: boolean): void {
  debugEnabled = enabled;
}

export function debug(message: string): void {
  if (debugEnabled) safeWrite(`runtime-hub debug: ${message}`);
}

/** A configuration mistake the developer should see once. */
export function warnUser(message: string): void {
  if (warned.has(message)) return;
  warned.add(message);
  safeWrite(`runtime-hub: ${message}`);
}

function safeWrite(line: string): void {
  try {
    process.stderr.write(line + '\n');
  } catch {
    // A closed stderr must not break the host.
  }
}
