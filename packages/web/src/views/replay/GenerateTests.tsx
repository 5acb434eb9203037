import { useState } from 'react';
import type { Span } from '../../api/types';
import { generateTests } from './replay-api';

const BUTTON = 'rounded border border-zinc-300 px-2 py-1 text-xs hover:bg-zinc-100 disabled:opacity-50 dark:border-zinc-700 dark:hover:bg-zinc-800';

/** Recorded calls of this call's function as a test file to download (pytest for Python apps, vitest for TypeScript). */
export function GenerateTests({ span, download }: { span: Span; download(name: string, text: string, type?: string): void }) {
  const python = span.attributes?.['code.namespace'] !== undefined;
  const [importFrom, setImportFrom] = useState(`./${span.name.split('.').pop() ?? 'module'}.js`);
  const [state, setState] = useState<{ busy: boolean; note?: string }>({ busy: false });
  const run = async () => {
    setState({ busy: true });
    try {
      const file = await generateTests(span.spanId, python ? undefined : importFrom);
      download(file.filename, file.text, 'text/plain');
      setState({ busy: false, note: `${file.filename}: ${file.tests} test${file.tests === 1 ? '' : 's'}${file.skipped.length ? `, ${file.skipped.length} skipped (${file.skipped[0]!.reason}${file.skipped.length > 1 ? ', …' : ''})` : ''}` });
    } catch (error) {
      setState({ busy: false, note: (error as Error).message });
    }
  };
  return (
    <div className="mt-1 flex flex-wrap items-center gap-2" data-testid="generate-tests">
      {!python ? (
        <label className="text-xs text-zinc-600 dark:text-zinc-400">
          import from{' '}
          <input className="w-40 rounded border border-zinc-300 px-1 font-mono text-[11px] dark:border-zinc-700 dark:bg-zinc-950" value={importFrom} onChange={(e) => setImportFrom(e.target.value)} aria-label="Module the test imports the function from" />
        </label>
      ) : null}
      <button type="button" className={BUTTON} onClick={() => void run()} disabled={state.busy} data-testid="generate-tests-run">
        Download recorded calls of {span.name} as {python ? 'pytest' : 'vitest'} tests
      </button>
      {state.note ? (
        <span className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="generate-tests-note">
          {state.note}
        </span>
      ) : null}
    </div>
  );
}
