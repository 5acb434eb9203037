import { useState, type FormEvent } from 'react';
import { button, input } from './format';

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

/**
 * Names of a project's secrets or env vars with set / replace / delete. Secret values are
 * write-only: the field is a password input, cleared after saving, and the hub never returns one.
 */
export function NamedValues({
  kind,
  entries,
  onSet,
  onDelete,
}: {
  kind: 'secret' | 'env';
  entries: { name: string; value?: string; updatedAt?: string }[];
  onSet: (name: string, value: string) => Promise<void>;
  onDelete: (name: string) => Promise<void>;
}) {
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const [error, setError] = useState<string | null>(null);
  const label = kind === 'secret' ? 'Secret' : 'Env var';
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!NAME.test(name)) return setError('Names are letters, digits and _ (not starting with a digit).');
    onSet(name, value).then(
      () => {
        setName('');
        setValue('');
        setError(null);
      },
      (err: unknown) => setError((err as Error).message),
    );
  };
  return (
    <div>
      <ul className="mb-2 space-y-1 text-sm" aria-label={kind === 'secret' ? 'Secrets' : 'Environment variables'}>
        {entries.length === 0 ? <li className="text-zinc-500">None yet.</li> : null}
        {entries.map((entry) => (
          <li key={entry.name} className="flex items-center gap-2">
            <span className="font-mono">{entry.name}</span>
            {kind === 'env' ? <span className="truncate font-mono text-xs text-zinc-500">= {entry.value}</span> : <span className="text-xs text-zinc-400">•••••• (write-only)</span>}
            <button type="button" className={`${button} ml-auto`} onClick={() => { setName(entry.name); setValue(kind === 'env' ? (entry.value ?? '') : ''); }} aria-label={`Replace ${entry.name}`}>
              Replace
            </button>
            <button type="button" className={button} onClick={() => void onDelete(entry.name).catch((err: unknown) => setError((err as Error).message))} aria-label={`Delete ${entry.name}`}>
              Delete
            </button>
          </li>
        ))}
      </ul>
      <form onSubmit={submit} className="flex flex-wrap gap-2">
        <input aria-label={`${label} name`} placeholder="NAME" value={name} onChange={(e) => setName(e.target.value)} className={`${input} w-40 font-mono`} />
        <input aria-label={`${label} value`} placeholder="value" type={kind === 'secret' ? 'password' : 'text'} autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} className={`${input} w-56`} />
        <button type="submit" className={button} disabled={!name || !value}>
          Set {kind === 'secret' ? 'secret' : 'env var'}
        </button>
      </form>
      {error ? <p role="alert" className="mt-1 text-xs text-red-600">{error}</p> : null}
    </div>
  );
}
