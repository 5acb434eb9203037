import { Dialog } from '../components/Dialog';
import { useUi } from '../state/ui-store';
import type { Shortcut } from './shortcuts';

const EXTRA_SHORTCUTS: [string, string][] = [
  ['J / K', 'Next / previous call in the live feed'],
  ['Enter', 'Open the trace of the selected call'],
  ['Esc', 'Close the detail panel or a dialog'],
  ['W / G', 'Waterfall / flow graph in a trace'],
];

/** Help → Keyboard shortcuts and Help → Documentation. */
export function HelpDialogs({ shortcuts }: { shortcuts: Shortcut[] }) {
  const dialog = useUi((s) => s.dialog);
  const close = () => useUi.getState().openDialog(null);
  if (dialog === 'shortcuts') {
    return (
      <Dialog title="Keyboard shortcuts" onClose={close}>
        <table className="w-full">
          <tbody>
            {[...shortcuts.map((s) => [s.label, s.description] as [string, string]), ...EXTRA_SHORTCUTS].map(([key, text]) => (
              <tr key={key + text} className="border-b border-zinc-100 last:border-0 dark:border-zinc-800">
                <td className="py-1 pr-4">
                  <kbd className="rounded border border-zinc-300 bg-zinc-50 px-1.5 py-0.5 font-mono text-xs dark:border-zinc-600 dark:bg-zinc-800">{key}</kbd>
                </td>
                <td className="py-1">{text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Dialog>
    );
  }
  if (dialog === 'about') {
    return (
      <Dialog title="runtime-hub documentation" onClose={close}>
        <div className="space-y-3">
          <p>
            runtime-hub shows what your apps do while they run. Instrument a Python app with <code>@track</code> from the{' '}
            <code>runtime_hub</code> package, a TypeScript app with <code>@runtime-hub/sdk</code>, or point any OpenTelemetry exporter at{' '}
            <code>/v1/traces</code>.
          </p>
          <ul className="list-disc space-y-1 pl-5">
            <li>
              <b>Monitor</b>: connected apps and the live feed. Click an app to filter every view to it; click a call for its inputs, outputs and error.
            </li>
            <li>
              <b>Traces</b>: one row per request or run; open one for its waterfall and flow graph.
            </li>
            <li>
              <b>Errors</b>: failures grouped by type, message and the top frame of your code.
            </li>
            <li>
              <b>Sessions</b>: traces grouped by session (an agent session, a user session).
            </li>
          </ul>
          <p>
            Filters live in the address bar: copy it to share a view. The dashboard guide is <code>docs/dashboard.md</code> in the repository; the
            API answers at <a className="text-indigo-600 underline dark:text-indigo-400" href="/api/health">/api/health</a> and{' '}
            <code>/api/v1/…</code>.
          </p>
        </div>
      </Dialog>
    );
  }
  return null;
}
