import type { WorkflowDefinition } from '@runtime-hub/protocol';
import { useEffect, useState } from 'react';
import { Link, useLocation } from 'wouter';
import { formatDateTime } from '../../lib/format';
import { studioApi, type VersionSummary } from '../../studio/api';
import { diffWorkflows } from '../../studio/diff';
import { DiffList } from './DiffList';

/** Every saved version; pick two to see what changed per node and field; restore one as a new version. */
export default function VersionsView({ project, workflow }: { project: string; workflow: string }) {
  const [, navigate] = useLocation();
  const [versions, setVersions] = useState<VersionSummary[]>([]);
  const [nextBefore, setNextBefore] = useState<number | null>(null);
  const [pair, setPair] = useState<[number | null, number | null]>([null, null]);
  const [defs, setDefs] = useState<Record<number, WorkflowDefinition>>({});
  const [error, setError] = useState<string | null>(null);

  const more = async (before?: number) => {
    const page = await studioApi.versions(project, workflow, before);
    setVersions((v) => (before === undefined ? page.versions : [...v, ...page.versions]));
    setNextBefore(page.nextBefore);
    if (before === undefined && page.versions.length > 0) setPair([page.versions[1]?.version ?? page.versions[0]!.version, page.versions[0]!.version]);
  };
  useEffect(() => {
    more().catch((err: unknown) => setError((err as Error).message));
  }, [project, workflow]);
  useEffect(() => {
    for (const v of pair) {
      if (v !== null && !defs[v]) {
        studioApi.version(project, workflow, v).then(
          (r) => setDefs((d) => ({ ...d, [v]: r.workflow })),
          (err: unknown) => setError((err as Error).message),
        );
      }
    }
  }, [pair, defs, project, workflow]);

  const restore = async (version: number) => {
    const [{ workflow: old }, { workflow: current }] = await Promise.all([studioApi.version(project, workflow, version), studioApi.workflow(project, workflow)]);
    const body = { ...old, version: current.version };
    delete body.project;
    await studioApi.saveWorkflow(project, body);
    navigate(`/workflows/${project}/${workflow}`);
  };

  const [a, b] = pair;
  const diff = a !== null && b !== null && defs[a] && defs[b] ? diffWorkflows(defs[a], defs[b]) : null;
  return (
    <div className="flex min-h-0 flex-1 gap-4 overflow-auto p-4 text-sm">
      <section className="w-[28rem] shrink-0">
        <div className="mb-3 flex items-center gap-3">
          <Link href={`/workflows/${project}/${workflow}`} className="text-xs text-indigo-600 hover:underline dark:text-indigo-300">
            ← editor
          </Link>
          <h1 className="text-lg font-semibold">Versions of {workflow}</h1>
        </div>
        {error ? <p className="text-xs text-red-600">{error}</p> : null}
        <table className="w-full text-xs" aria-label="Versions">
          <thead className="text-left text-zinc-500">
            <tr>
              <th>from</th>
              <th>to</th>
              <th>version</th>
              <th>saved</th>
              <th>nodes</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => (
              <tr key={v.version} className="border-t border-zinc-200 dark:border-zinc-800">
                <td>
                  <input type="radio" name="from" aria-label={`diff from ${v.version}`} checked={a === v.version} onChange={() => setPair([v.version, b])} />
                </td>
                <td>
                  <input type="radio" name="to" aria-label={`diff to ${v.version}`} checked={b === v.version} onChange={() => setPair([a, v.version])} />
                </td>
                <td>
                  v{v.version} {v.current ? <span className="text-emerald-600">current</span> : null}
                </td>
                <td>{formatDateTime(Date.parse(v.savedAt))}</td>
                <td>{v.nodes}</td>
                <td className="text-right">
                  {!v.current ? (
                    <button type="button" className="rounded border border-zinc-300 px-2 py-0.5 dark:border-zinc-700" onClick={() => void restore(v.version).catch((err: unknown) => setError((err as Error).message))}>
                      Restore
                    </button>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {nextBefore !== null ? (
          <button type="button" className="mt-2 text-xs text-indigo-600" onClick={() => void more(nextBefore)}>
            Older versions
          </button>
        ) : null}
      </section>
      <section className="min-w-0 flex-1">
        <h2 className="mb-2 text-xs font-semibold uppercase tracking-wide text-zinc-500">
          {a !== null && b !== null ? `v${a} → v${b}` : 'Pick two versions'}
        </h2>
        {diff ? <DiffList diff={diff} testId="versions-diff" /> : null}
      </section>
    </div>
  );
}
