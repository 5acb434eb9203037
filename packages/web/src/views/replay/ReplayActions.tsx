import { Link } from 'wouter';
import type { Span } from '../../api/types';
import { CopyButton } from '../../components/CopyButton';
import { GenerateTests } from './GenerateTests';
import { InvokePanel } from './InvokePanel';
import { editableInput, replayCommand } from './replay-api';

const BUTTON = 'rounded border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800';

function download(name: string, text: string, type = 'application/json'): void {
  // A Blob the browser saves: the text never becomes markup.
  const url = URL.createObjectURL(new Blob([text], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Replay, re-invoke, regression tests (docs/replay.md): the command that runs the program again
 * from this call and its input as `edited.json` for `--input`; on a replayed call, the recorded
 * call it stands for; "Re-invoke" when the running app offers the function; the recorded calls of
 * the function as a test file.
 */
export function ReplayActions({ span }: { span: Span }) {
  if (span.endTime === null) return null;
  const attributes = span.attributes ?? {};
  const recorded = attributes['runtime_hub.replay.recorded_span'];
  const input = editableInput(span.kind, span.input);
  const hasInput = Object.keys(input).length > 0;
  return (
    <section data-testid="replay-actions">
      <h3 className="mb-1 text-[11px] font-semibold uppercase tracking-wide text-zinc-500">Replay</h3>
      {typeof recorded === 'string' ? (
        <p className="mb-1 text-xs text-zinc-600 dark:text-zinc-400" data-testid="replayed-from">
          Replayed without running: the recorded result of{' '}
          <Link href={`/spans/${recorded}`} className="font-mono text-indigo-600 hover:underline dark:text-indigo-400">
            {recorded}
          </Link>
        </p>
      ) : null}
      <details>
        <summary className="cursor-pointer text-xs text-indigo-600 dark:text-indigo-400">Replay the program from this call</summary>
        <p className="mt-1 text-xs text-zinc-600 dark:text-zinc-400">
          Calls that finished before this one return their recorded results; this call and everything after it run for real.
        </p>
        <div className="mt-1 flex items-start gap-2">
          <code className="min-w-0 flex-1 break-all rounded bg-zinc-100 px-2 py-1 font-mono text-[11px] dark:bg-zinc-900" data-testid="replay-command">
            {replayCommand(span.traceId, span.spanId, hasInput)}
          </code>
          <CopyButton text={() => replayCommand(span.traceId, span.spanId, hasInput)} label="Copy the replay command" className="py-1" />
        </div>
        {hasInput ? (
          <button type="button" className={`${BUTTON} mt-1`} onClick={() => download('edited.json', `${JSON.stringify(input, null, 2)}\n`)} data-testid="download-input">
            Download its input as edited.json
          </button>
        ) : null}
      </details>
      <InvokePanel span={span} />
      {/* An LLM call is the provider's, not a function of the app to test. */}
      {span.kind !== 'llm' ? <GenerateTests span={span} download={download} /> : null}
    </section>
  );
}
