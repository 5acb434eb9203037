import { useEffect, useState, type FormEvent } from 'react';
import { useLocation } from 'wouter';
import { button, input } from '../projects/format';
import { hubApi, type Template } from '../projects/hub-api';

/**
 * "Use template": pick the project, fill what the template needs (secrets write-only, env with
 * defaults, consent for shell/code nodes), create it, open it in the editor.
 */
export function UseTemplateDialog({ template, projects, initialProject, onClose }: { template: Template; projects: { id: string; name: string }[]; initialProject: string; onClose: () => void }) {
  const [, navigate] = useLocation();
  const [project, setProject] = useState(initialProject || projects[0]?.id || '');
  const [have, setHave] = useState<{ secrets: string[]; env: Record<string, string> }>({ secrets: [], env: {} });
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const [env, setEnv] = useState<Record<string, string>>({});
  const [allow, setAllow] = useState(false);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!project) return;
    void hubApi.project(project).then((p) => {
      setHave({ secrets: p.secrets.map((s) => (typeof s === 'string' ? s : s.name)), env: p.project.env });
      setEnv(Object.fromEntries(template.needs.env.map((n) => [n.name, p.project.env[n.name] ?? (n.default ?? '').replaceAll('{hub}', window.location.origin)])));
    }, () => undefined);
  }, [project, template]);

  const submit = (e: FormEvent) => {
    e.preventDefault();
    hubApi
      .useTemplate(project, template.id, {
        secrets: Object.fromEntries(Object.entries(secrets).filter(([, v]) => v)),
        env: Object.fromEntries(Object.entries(env).filter(([, v]) => v)),
        ...(template.needs.allowShell ? { allowShell: allow } : {}),
        ...(template.needs.allowCode ? { allowCode: allow } : {}),
      })
      .then((r) => navigate(`/workflows/${project}/${r.workflow.id}`), (err: unknown) => setError((err as Error).message));
  };
  const risky = template.needs.allowShell ? 'shell' : template.needs.allowCode ? 'code' : null;

  return (
    <div role="dialog" aria-label={`Use template ${template.name}`} className="fixed inset-0 z-20 flex items-center justify-center bg-black/30">
      <form onSubmit={submit} className="max-h-[90vh] w-[36rem] space-y-3 overflow-auto rounded-lg bg-white p-4 shadow-xl dark:bg-zinc-900">
        <h2 className="font-semibold">Use “{template.name}”</h2>
        <label className="block text-sm">
          Project
          <select aria-label="Target project" value={project} onChange={(e) => setProject(e.target.value)} className={`${input} mt-1 block`}>
            {projects.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
          </select>
        </label>
        {projects.length === 0 ? <p className="text-sm text-red-600">Create a project first (Projects).</p> : null}
        {template.needs.secrets.map((s) => (
          <label key={s.name} className="block text-sm">
            Secret <span className="font-mono">{s.name}</span> {have.secrets.includes(s.name) ? <span className="text-xs text-emerald-600">already set — leave empty to keep</span> : null}
            <input aria-label={`Secret ${s.name}`} type="password" autoComplete="off" value={secrets[s.name] ?? ''} onChange={(e) => setSecrets({ ...secrets, [s.name]: e.target.value })} className={`${input} mt-1 block w-full`} />
            <span className="text-xs text-zinc-500">{s.help}</span>
          </label>
        ))}
        {template.needs.env.map((n) => (
          <label key={n.name} className="block text-sm">
            Env <span className="font-mono">{n.name}</span>
            <input aria-label={`Env ${n.name}`} value={env[n.name] ?? ''} onChange={(e) => setEnv({ ...env, [n.name]: e.target.value })} className={`${input} mt-1 block w-full`} />
            <span className="text-xs text-zinc-500">{n.help}</span>
          </label>
        ))}
        {risky ? (
          <label className="flex items-start gap-2 text-sm">
            <input type="checkbox" checked={allow} onChange={(e) => setAllow(e.target.checked)} aria-label={`Allow ${risky} nodes`} />
            <span>Allow {risky} nodes in this project. {risky === 'shell' ? 'They run commands on this machine with the hub\'s rights.' : 'They run JavaScript in a sandbox that is not a hard security boundary.'}</span>
          </label>
        ) : null}
        {error ? <p role="alert" className="text-xs text-red-600">{error}</p> : null}
        <div className="flex justify-end gap-2">
          <button type="button" className={button} onClick={onClose}>Cancel</button>
          <button type="submit" className={button} disabled={!project}>Create workflow</button>
        </div>
      </form>
    </div>
  );
}
