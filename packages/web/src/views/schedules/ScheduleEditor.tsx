import { useEffect, useState } from 'react';
import { Link } from 'wouter';
import { button, card, input } from '../projects/format';
import { hubApi } from '../projects/hub-api';
import { PRESETS, cronInWords, inZone, timeZones } from './cron-words';

/**
 * One workflow's schedule: presets or a cron expression, an IANA zone, the expression in words
 * with the zone, the next 5 runs from the hub (croner, DST-correct), the missed-run policy, and
 * pause / resume (stored by the hub, so they survive a restart). Saving makes a new version.
 */
export default function ScheduleEditor({ project, workflow }: { project: string; workflow: string }) {
  const [expression, setExpression] = useState('0 9 * * *');
  const [timezone, setTimezone] = useState('UTC');
  const [missed, setMissed] = useState<'skip' | 'run-once'>('skip');
  const [version, setVersion] = useState<number | undefined>();
  const [paused, setPaused] = useState<boolean | null>(null);
  const [name, setName] = useState(workflow);
  const [next, setNext] = useState<string[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);

  const load = () =>
    hubApi.workflow(project, workflow).then(({ workflow: w, schedule }) => {
      setName(w.name);
      setVersion(w.version);
      if (w.trigger.type === 'cron') {
        setExpression(w.trigger.expression);
        setTimezone(w.trigger.timezone ?? 'UTC');
        setMissed(w.trigger.missed ?? 'skip');
      }
      setPaused(schedule ? schedule.paused : null);
    }, (err: unknown) => setProblem((err as Error).message));
  useEffect(() => void load(), [project, workflow]);

  useEffect(() => {
    const timer = setTimeout(() => {
      hubApi.cronNext(expression, timezone).then(
        (r) => {
          setNext(r.nextRuns);
          setProblem(null);
        },
        (err: unknown) => {
          setNext([]);
          setProblem((err as Error).message);
        },
      );
    }, 200);
    return () => clearTimeout(timer);
  }, [expression, timezone]);

  const save = () =>
    hubApi.setSchedule(project, workflow, { expression, timezone, missed, version }).then(
      () => {
        setMessage('Schedule saved as a new version.');
        void load();
      },
      (err: unknown) => setMessage((err as Error).message),
    );
  const toggle = () =>
    hubApi.pauseSchedule(project, workflow, paused ? 'resume' : 'pause').then(
      (r) => setPaused(r.schedule.paused),
      (err: unknown) => setMessage((err as Error).message),
    );
  const words = cronInWords(expression, timezone);

  return (
    <div className="min-h-0 flex-1 overflow-auto p-4">
      <div className="mb-3 flex items-center gap-3">
        <Link href="/schedules" className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">← Schedules</Link>
        <h1 className="text-lg font-semibold">Schedule of {name}</h1>
        <Link href={`/workflows/${project}/${workflow}`} className="text-sm text-indigo-700 hover:underline dark:text-indigo-300">Open in editor</Link>
      </div>
      <div className={`${card} max-w-3xl space-y-3`}>
        <div className="flex flex-wrap gap-1" role="group" aria-label="Presets">
          {PRESETS.map((p) => (
            <button key={p.expression} type="button" className={button} aria-pressed={expression === p.expression} onClick={() => setExpression(p.expression)}>{p.label}</button>
          ))}
        </div>
        <label className="block text-sm">
          Cron expression <span className="text-xs text-zinc-500">(minute hour day month weekday; 6 fields with seconds first)</span>
          <input aria-label="Cron expression" value={expression} onChange={(e) => setExpression(e.target.value)} className={`${input} mt-1 block w-72 font-mono`} />
        </label>
        <label className="block text-sm">
          Time zone
          <input aria-label="Time zone" list="iana-zones" value={timezone} onChange={(e) => setTimezone(e.target.value)} className={`${input} mt-1 block w-72`} />
          <datalist id="iana-zones">{timeZones().map((z) => <option key={z} value={z} />)}</datalist>
        </label>
        <p className="text-sm font-medium" data-testid="cron-words">{words ?? 'This expression cannot be read.'}</p>
        {problem ? <p role="alert" className="text-xs text-red-600">{problem}</p> : null}
        <div>
          <h2 className="text-sm font-semibold">Next 5 runs ({timezone})</h2>
          <ol className="list-decimal pl-5 text-sm" data-testid="next-runs">
            {next.map((t) => <li key={t}>{inZone(t, timezone)}</li>)}
          </ol>
        </div>
        <label className="block text-sm">
          When the hub was down at a scheduled time
          <select aria-label="Missed runs" value={missed} onChange={(e) => setMissed(e.target.value as 'skip' | 'run-once')} className={`${input} mt-1 block`}>
            <option value="skip">Skip the missed runs</option>
            <option value="run-once">Run once for all missed runs</option>
          </select>
        </label>
        <div className="flex items-center gap-2">
          <button type="button" className={button} onClick={() => void save()} disabled={!words || problem !== null}>Save schedule</button>
          {paused !== null ? <button type="button" className={button} onClick={() => void toggle()}>{paused ? 'Resume' : 'Pause'}</button> : null}
          {paused ? <span className="text-xs text-amber-600" data-testid="paused">Paused — kept across restarts</span> : null}
          {message ? <span className="text-xs" role="status">{message}</span> : null}
        </div>
      </div>
    </div>
  );
}
