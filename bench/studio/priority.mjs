// `--nice N` for the studio benchmarks: on a machine shared with other work (load averages of 20
// on 2 cores while several test suites run), the browser's frames measure the queue for a core
// more than the page. Running the browser (a wrapper that execs it under `nice`), the hub and this
// process at a raised priority makes both pages — baseline and studio alike — see the cores
// as a quieter machine would. Raising priority (a negative N) needs root.
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { setPriority, tmpdir } from 'node:os';
import { join } from 'node:path';

/** The browser to launch: `chromium` itself, or a wrapper running it at `nice`. */
export function browserAt(chromium, nice) {
  if (nice === undefined) return chromium;
  setPriority(0, nice);
  const wrapper = join(mkdtempSync(join(tmpdir(), 'rh-nice-')), 'chromium');
  writeFileSync(wrapper, `#!/bin/sh\nexec nice -n ${nice} ${chromium} "$@"\n`);
  chmodSync(wrapper, 0o755);
  return wrapper;
}

/** Gives a started process (the hub) the same priority. */
export function prioritize(pid, nice) {
  if (nice !== undefined) setPriority(pid, nice);
}
