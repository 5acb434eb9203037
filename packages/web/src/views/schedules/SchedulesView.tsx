import { useCallback, useEffect, useState } from 'react';
import { Link } from 'wouter';
import { ago, button } from '../projects/format';
import { hubApi, type Schedule } from '../projects/hub-api';
import { cronInWords, inZone } from './cron-words';

/** Every schedule on the hub, soonest first, with pause / resume and a link to its editor. */
export default function SchedulesView() {
  const [schedules, setSchedules] = useState<Schedule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => hubApi.schedules().then((r) => { setSchedules(r.schedules); setError(null); }, (err: unknown) => setError((err as Error).message)), []);
  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), 15_000);
    return () => clearInterval(timer);
  }, [load]);
  const toggle = (s: Schedule) => hubApi.pauseSchedule(s.project, s.workflow, s.paused ? 'resume' : 'pause').then(load, (err: unknown) => setError((err as Error).message));

  return (
    <div className="min-h-0 flex-1 overflow-auto p-4">
      <h1 className="mb-3 text-lg font-semibold">Schedules</h1>
      {error ? <p role="alert" className="mb-2 text-sm text-red-600">{error}</p> : null}
      {schedules?.length === 0 ? <p className="text-sm text-zinc-500">No workflow runs on a schedule yet. Give one a cron trigger in the editor, or here: open a workflow's schedule from its project.</p> : null}
      <table className="w-full text-sm" aria-label="Schedules">
        <thead className="text-left text-xs text-zinc-500">
          <tr><th className="py-1">Workflow</th><th>Schedule</th><th>Next run</th><th>Last run</th><th>Missed runs</th><th /></tr>
        </thead>
        <tbody>
          {schedules?.map((s) => (
            <tr key={`${s.project}/${s.workflow}`} className="border-t border-zinc-200 dark:border-zinc-800" data-testid="schedule-row">
              <td className="py-1.5">
                <Link href={`/schedules/${s.project}/${s.workflow}`} className="font-medium text-indigo-700 hover:underline dark:text-indigo-300">{s.name}</Link>
                <span className="ml-2 font-mono text-xs text-zinc-400">{s.project}/{s.workflow}</span>
              </td>
              <td><span className="font-mono text-xs">{s.expression}</span> <span className="block text-xs text-zinc-500">{cronInWords(s.expression, s.timezone)}</span></td>
              <td>{s.paused ? <span className="text-amber-600">paused</span> : s.nextRun ? inZone(s.nextRun, s.timezone) : '—'}</td>
              <td className="text-xs text-zinc-500">{ago(s.lastFireAt)}</td>
              <td className="text-xs">{s.missed === 'skip' ? 'skip' : 'run once'}</td>
              <td className="text-right">
                <button type="button" className={button} onClick={() => void toggle(s)} aria-label={`${s.paused ? 'Resume' : 'Pause'} ${s.name}`}>{s.paused ? 'Resume' : 'Pause'}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
