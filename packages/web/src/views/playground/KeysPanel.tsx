import { useEffect, useState } from 'react';
import { playgroundApi, type KeyInfo } from './run-stream';

const input = 'rounded border border-zinc-300 bg-transparent px-2 py-1 text-xs dark:border-zinc-700';

/**
 * Provider keys: saved encrypted in the hub, bound to the server they may be sent to; only names
 * ever come back, so the value field is write-only.
 */
export function KeysPanel() {
  const [keys, setKeys] = useState<KeyInfo[]>([]);
  const [name, setName] = useState('openai');
  const [value, setValue] = useState('');
  const [baseUrl, setBaseUrl] = useState('');
  const [message, setMessage] = useState('');
  const reload = () => void playgroundApi.keys().then((r) => setKeys(r.keys), (e: Error) => setMessage(e.message));
  useEffect(reload, []);

  const save = async () => {
    try {
      await playgroundApi.saveKey(name, value, baseUrl);
      setValue('');
      setMessage(`Saved "${name}".`);
      reload();
    } catch (error) {
      setMessage((error as Error).message);
    }
  };

  return (
    <details className="rounded border border-zinc-200 p-2 text-xs dark:border-zinc-800">
      <summary className="cursor-pointer font-medium">API keys ({keys.length})</summary>
      <ul className="my-2 space-y-0.5" data-testid="key-list">
        {keys.map((k) => (
          <li key={k.name}>
            <span className="font-mono">{k.name}</span> → {k.baseUrl ?? 'official endpoint'}
          </li>
        ))}
      </ul>
      <div className="flex flex-wrap items-end gap-2">
        <input className={input} value={name} onChange={(e) => setName(e.target.value)} aria-label="New key name" placeholder="name" />
        <input className={input} type="password" autoComplete="off" value={value} onChange={(e) => setValue(e.target.value)} aria-label="Key value" placeholder="sk-…" />
        <input className={input} value={baseUrl} onChange={(e) => setBaseUrl(e.target.value)} aria-label="Key base URL" placeholder="base URL (empty: official)" />
        <button type="button" className="rounded bg-zinc-800 px-2 py-1 text-white disabled:opacity-50 dark:bg-zinc-200 dark:text-zinc-900" disabled={!name || !value} onClick={() => void save()}>
          Save key
        </button>
      </div>
      {message ? <p className="mt-1 text-zinc-500">{message}</p> : null}
    </details>
  );
}
