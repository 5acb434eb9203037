import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Span } from '@runtime-hub/protocol';
import { REPLAY_ATTRIBUTES } from './recording.js';

export interface Branch {
  /** The replay's trace. */
  traceId: string;
  /** The recorded trace it branched from. */
  replayOf: string;
  /** The checkpoint span of the recorded trace. */
  fromSpan: string;
  startTime: number;
}

/**
 * Which traces are replays of which (docs/replay.md, The branch). Spans carry the link in their
 * root's attributes; finding them by attribute would scan the spans table, so the hub keeps this
 * small index, fed from committed spans and appended to `<data>/replay-branches.jsonl`.
 */
export class BranchIndex {
  private readonly byReplay = new Map<string, Branch>();
  private readonly byOriginal = new Map<string, Branch[]>();
  private readonly file: string;

  constructor(dataDir: string) {
    this.file = join(dataDir, 'replay-branches.jsonl');
    if (existsSync(this.file)) {
      for (const line of readFileSync(this.file, 'utf8').split('\n')) {
        if (!line.trim()) continue;
        try {
          this.add(JSON.parse(line) as Branch);
        } catch {
          // A line cut short by a crash: the rest of the index still loads.
        }
      }
    }
  }

  /** Committed spans: a root with `runtime_hub.replay.of` makes its trace a branch. */
  observe(spans: readonly Span[]): void {
    for (const span of spans) {
      const of = span.attributes?.[REPLAY_ATTRIBUTES.of];
      const from = span.attributes?.[REPLAY_ATTRIBUTES.fromSpan];
      if (typeof of !== 'string' || typeof from !== 'string' || this.byReplay.has(span.traceId)) continue;
      if (!/^[0-9a-f]{32}$/.test(of) || !/^[0-9a-f]{16}$/.test(from) || of === span.traceId) continue;
      const branch: Branch = { traceId: span.traceId, replayOf: of, fromSpan: from, startTime: span.startTime };
      this.add(branch);
      try {
        appendFileSync(this.file, `${JSON.stringify(branch)}\n`, { mode: 0o600 });
      } catch {
        // The index lives on in memory; the next start misses this branch only.
      }
    }
  }

  branchOf(traceId: string): Branch | undefined {
    return this.byReplay.get(traceId);
  }

  branches(traceId: string): Branch[] {
    return this.byOriginal.get(traceId) ?? [];
  }

  private add(branch: Branch): void {
    if (this.byReplay.has(branch.traceId)) return;
    this.byReplay.set(branch.traceId, branch);
    const list = this.byOriginal.get(branch.replayOf);
    if (list) list.push(branch);
    else this.byOriginal.set(branch.replayOf, [branch]);
  }
}
