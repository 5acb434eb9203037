import { createContext, memo, useContext, useEffect, useState } from 'react';
import { childPath, valueText } from '../lib/json-path';
import { CopyButton } from './CopyButton';

/** Strings longer than this are folded; children beyond PAGE are shown on request. */
const FOLD_AT = 240;
const PAGE = 100;
/** "Expand all" stops here, so a hostile 64-level payload cannot render forever. */
const EXPAND_ALL_DEPTH = 16;

interface ExpandSignal {
  generation: number;
  expanded: boolean | null;
}
const ExpandContext = createContext<ExpandSignal>({ generation: 0, expanded: null });

/**
 * A collapsible JSON tree for untrusted values: everything is rendered as React text, never as
 * HTML. Copy a value or its path, expand or collapse all; long strings and long lists are folded.
 */
export function JsonViewer({ value, name, defaultDepth = 3, testId }: { value: unknown; name: string; defaultDepth?: number; testId?: string }) {
  const [signal, setSignal] = useState<ExpandSignal>({ generation: 0, expanded: null });
  const composite = value !== null && typeof value === 'object';
  return (
    <div className="rounded border border-zinc-200 dark:border-zinc-800" data-testid={testId}>
      <div className="flex items-center gap-2 border-b border-zinc-200 bg-zinc-50 px-2 py-1 text-[11px] text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900">
        <span className="font-medium uppercase tracking-wide">{name}</span>
        <span className="ml-auto flex items-center gap-1">
          {composite ? (
            <>
              <button type="button" className="rounded px-1 hover:bg-zinc-200 dark:hover:bg-zinc-700" onClick={() => setSignal((s) => ({ generation: s.generation + 1, expanded: true }))}>
                expand all
              </button>
              <button type="button" className="rounded px-1 hover:bg-zinc-200 dark:hover:bg-zinc-700" onClick={() => setSignal((s) => ({ generation: s.generation + 1, expanded: false }))}>
                collapse all
              </button>
            </>
          ) : null}
          <CopyButton text={() => valueText(value)} label={`Copy ${name}`} />
        </span>
      </div>
      <div className="overflow-x-auto p-2 font-mono text-xs leading-5">
        <ExpandContext.Provider value={signal}>
          <JsonNode label={null} value={value} path={name} depth={0} defaultDepth={defaultDepth} />
        </ExpandContext.Provider>
      </div>
    </div>
  );
}

interface NodeProps {
  label: string | number | null;
  value: unknown;
  path: string;
  depth: number;
  defaultDepth: number;
}

const JsonNode = memo(function JsonNode({ label, value, path, depth, defaultDepth }: NodeProps) {
  const signal = useContext(ExpandContext);
  const composite = value !== null && typeof value === 'object';
  const initial = signal.expanded !== null && depth < EXPAND_ALL_DEPTH ? signal.expanded : depth < defaultDepth;
  const [open, setOpen] = useState(initial);
  const [shown, setShown] = useState(PAGE);
  useEffect(() => {
    if (signal.generation > 0 && signal.expanded !== null) setOpen(signal.expanded && depth < EXPAND_ALL_DEPTH);
  }, [signal, depth]);

  const key =
    label === null ? null : (
      <span className="text-violet-700 dark:text-violet-300">{typeof label === 'number' ? label : JSON.stringify(label)}: </span>
    );
  const actions = (
    <span className="invisible ml-2 inline-flex gap-0.5 group-hover/row:visible">
      <CopyButton text={() => valueText(value)} label="Copy value" />
      <CopyButton text={() => path} label={`Copy path ${path}`} />
    </span>
  );

  if (!composite) {
    return (
      <div className="group/row" style={{ paddingLeft: depth ? 14 : 0 }} data-path={path}>
        {key}
        <Primitive value={value} />
        {actions}
      </div>
    );
  }

  const isArray = Array.isArray(value);
  const entries: [string | number, unknown][] = isArray ? value.map((v, i) => [i, v]) : Object.entries(value as Record<string, unknown>);
  const [openMark, closeMark] = isArray ? ['[', ']'] : ['{', '}'];
  return (
    <div style={{ paddingLeft: depth ? 14 : 0 }} data-path={path}>
      <div className="group/row">
        <button type="button" className="mr-1 w-3 text-zinc-500 hover:text-zinc-900 dark:hover:text-zinc-100" aria-expanded={open} aria-label={open ? 'Collapse' : 'Expand'} onClick={() => setOpen(!open)}>
          {open ? '▾' : '▸'}
        </button>
        {key}
        <span className="text-zinc-500">
          {openMark}
          {open ? '' : ` ${entries.length} ${isArray ? (entries.length === 1 ? 'item' : 'items') : entries.length === 1 ? 'key' : 'keys'} ${closeMark}`}
        </span>
        {actions}
      </div>
      {open ? (
        <>
          {entries.slice(0, shown).map(([k, v]) => (
            <JsonNode key={k} label={k} value={v} path={childPath(path, k)} depth={depth + 1} defaultDepth={defaultDepth} />
          ))}
          {entries.length > shown ? (
            <button type="button" className="ml-4 text-indigo-600 hover:underline dark:text-indigo-400" onClick={() => setShown(shown + PAGE)}>
              show {Math.min(PAGE, entries.length - shown)} more of {entries.length - shown}
            </button>
          ) : null}
          <div className="text-zinc-500">{closeMark}</div>
        </>
      ) : null}
    </div>
  );
});

function Primitive({ value }: { value: unknown }) {
  const [unfolded, setUnfolded] = useState(false);
  if (typeof value === 'string') {
    const folded = !unfolded && value.length > FOLD_AT;
    return (
      <span className="whitespace-pre-wrap break-all text-emerald-700 dark:text-emerald-300" data-json="string">
        "{folded ? value.slice(0, FOLD_AT) : value}
        {folded ? '…' : ''}"
        {value.length > FOLD_AT ? (
          <button type="button" className="ml-1 font-sans text-[11px] text-indigo-600 hover:underline dark:text-indigo-400" onClick={() => setUnfolded(!unfolded)}>
            {unfolded ? 'fold' : `show ${(value.length - FOLD_AT).toLocaleString()} more characters`}
          </button>
        ) : null}
      </span>
    );
  }
  if (typeof value === 'number') return <span className="text-sky-700 dark:text-sky-300">{String(value)}</span>;
  if (typeof value === 'boolean') return <span className="text-amber-700 dark:text-amber-300">{String(value)}</span>;
  if (value === null) return <span className="text-zinc-500">null</span>;
  return <span className="text-zinc-500">{String(value)}</span>;
}
