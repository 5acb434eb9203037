import type { FieldSpec } from '@runtime-hub/protocol';
import { useEffect, useState } from 'react';
import type { ExpressionContext } from '../../studio/expressions';
import { ExpressionField } from './ExpressionField';
import { Preview } from './Preview';

export const inputClass = 'w-full rounded border border-zinc-300 bg-white px-2 py-1 text-xs dark:border-zinc-700 dark:bg-zinc-900';

export interface FieldProps {
  spec: FieldSpec;
  /** The node the field belongs to (its last input feeds the preview). */
  nodeId?: string;
  value: unknown;
  onChange: (value: unknown) => void;
  context: () => ExpressionContext;
  invalid?: boolean;
}

/** Whether a field applies, by its `showIf` and the other fields' values (or defaults). */
export function fieldVisible(spec: FieldSpec, config: Record<string, unknown>, specs: readonly FieldSpec[]): boolean {
  if (!spec.showIf) return true;
  const other = specs.find((s) => s.name === spec.showIf!.field);
  const current = Object.hasOwn(config, spec.showIf.field) ? config[spec.showIf.field] : other?.default;
  return spec.showIf.equals.includes(current);
}

const text = (value: unknown) => (value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value));

/** JSON typed as text: committed when it parses, kept as a draft with an error while it does not. */
function JsonInput({ value, onChange, label, rows = 4 }: { value: unknown; onChange: (v: unknown) => void; label: string; rows?: number }) {
  const [draft, setDraft] = useState(() => (value === undefined ? '' : JSON.stringify(value, null, 2)));
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setDraft((d) => {
      try {
        if (d.trim() !== '' && JSON.stringify(JSON.parse(d)) === JSON.stringify(value)) return d;
      } catch {
        // Draft not parseable: replace it with the value from outside (undo).
      }
      return value === undefined ? '' : JSON.stringify(value, null, 2);
    });
  }, [value]);
  return (
    <>
      <textarea
        aria-label={label}
        rows={rows}
        spellCheck={false}
        className={`${inputClass} font-mono`}
        value={draft}
        onChange={(e) => {
          setDraft(e.target.value);
          if (e.target.value.trim() === '') {
            setError(null);
            onChange(undefined);
            return;
          }
          try {
            onChange(JSON.parse(e.target.value));
            setError(null);
          } catch (err) {
            setError((err as Error).message);
          }
        }}
      />
      {error ? <p className="text-[11px] text-red-600">{error}</p> : null}
    </>
  );
}

/** Name → value rows (headers, set fields, env); values take expressions. */
function MapInput({ value, onChange, context, label, nodeId }: { value: unknown; onChange: (v: unknown) => void; context: () => ExpressionContext; label: string; nodeId: string | undefined }) {
  const entries = value && typeof value === 'object' && !Array.isArray(value) ? Object.entries(value as Record<string, unknown>) : [];
  const write = (next: [string, unknown][]) => onChange(next.length === 0 ? undefined : Object.fromEntries(next));
  return (
    <div className="space-y-1">
      {entries.map(([key, v], i) => (
        <div key={i} className="flex items-start gap-1">
          <input aria-label={`${label} name ${i + 1}`} className={`${inputClass.replace('w-full', 'w-28')} shrink-0 font-mono`} value={key} onChange={(e) => write(entries.map((en, j) => (j === i ? [e.target.value, en[1]] : en)))} />
          <div className="min-w-0 flex-1">
            <ExpressionField label={`${label} value ${i + 1}`} value={text(v)} context={context} onChange={(t) => write(entries.map((en, j) => (j === i ? [en[0], t] : en)))} />
            <Preview template={text(v)} nodeId={nodeId} />
          </div>
          <button type="button" aria-label={`Remove ${key}`} className="px-1 text-zinc-400 hover:text-red-600" onClick={() => write(entries.filter((_, j) => j !== i))}>
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="text-xs text-indigo-600 hover:underline dark:text-indigo-300"
        onClick={() => {
          let name = 'name';
          for (let n = 2; entries.some(([k]) => k === name); n++) name = `name${n}`;
          write([...entries, [name, '']]);
        }}
      >
        + Add {label.toLowerCase()} entry
      </button>
    </div>
  );
}

/** One config field, its editor chosen by the field spec's type. */
export function FieldInput({ spec, value, onChange, context, invalid, nodeId }: FieldProps) {
  const label = spec.label;
  const expressions = spec.expressions !== false;
  switch (spec.type) {
    case 'boolean':
      return <input type="checkbox" aria-label={label} checked={value === undefined ? spec.default === true : value === true} onChange={(e) => onChange(e.target.checked)} />;
    case 'select':
      return (
        <select aria-label={label} className={inputClass} value={text(value ?? spec.default)} onChange={(e) => onChange(e.target.value)}>
          {(spec.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
    case 'number':
      return (
        <input
          aria-label={label}
          className={inputClass}
          inputMode="decimal"
          placeholder={spec.default !== undefined ? String(spec.default) : spec.placeholder}
          value={text(value)}
          onChange={(e) => {
            const raw = e.target.value;
            onChange(raw === '' ? undefined : /^-?\d+(\.\d+)?$/.test(raw) ? Number(raw) : raw);
          }}
        />
      );
    case 'json':
      return <JsonInput label={label} value={value} onChange={onChange} />;
    case 'map':
      return <MapInput label={label} value={value} onChange={onChange} context={context} nodeId={nodeId} />;
    case 'list':
      return (
        <textarea
          aria-label={label}
          rows={3}
          className={`${inputClass} font-mono`}
          placeholder="one per line"
          value={Array.isArray(value) ? value.map(String).join('\n') : text(value)}
          onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value.split('\n'))}
        />
      );
    case 'code':
      return <textarea aria-label={label} rows={8} spellCheck={false} className={`${inputClass} font-mono`} value={text(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />;
    default:
      if (!expressions) {
        return <input aria-label={label} className={inputClass} placeholder={spec.placeholder} value={text(value)} onChange={(e) => onChange(e.target.value === '' ? undefined : e.target.value)} />;
      }
      return (
        <>
          <ExpressionField
            label={label}
            value={text(value)}
            multiline={spec.type === 'text'}
            placeholder={spec.placeholder ?? (spec.type === 'expression' ? '{{ input.value }}' : '')}
            context={context}
            invalid={invalid ?? false}
            onChange={(t) => onChange(t === '' ? undefined : t)}
          />
          <Preview template={text(value)} nodeId={nodeId} />
        </>
      );
  }
}
