import { useEffect, useState } from 'react';
import { useSearch } from 'wouter';
import { button, card, input } from '../projects/format';
import { hubApi, type Recommendation, type Template } from '../projects/hub-api';
import { GraphPreview } from './GraphPreview';
import { UseTemplateDialog } from './UseTemplateDialog';

/**
 * The template gallery: search, categories, a graph preview and what each needs; suggestions
 * ranked by the hub's recommender for what was typed and the chosen project, with the reasons.
 */
export default function TemplatesView() {
  const initialProject = new URLSearchParams(useSearch()).get('project') ?? '';
  const [q, setQ] = useState('');
  const [category, setCategory] = useState('');
  const [project, setProject] = useState(initialProject);
  const [templates, setTemplates] = useState<Template[]>([]);
  const [categories, setCategories] = useState<string[]>([]);
  const [projects, setProjects] = useState<{ id: string; name: string }[]>([]);
  const [suggestions, setSuggestions] = useState<Recommendation[]>([]);
  const [using, setUsing] = useState<Template | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => void hubApi.projects().then((r) => setProjects(r.projects), () => undefined), []);
  useEffect(() => {
    const timer = setTimeout(() => {
      hubApi.templates({ q, category }).then((r) => { setTemplates(r.templates); setCategories(r.categories); setError(null); }, (err: unknown) => setError((err as Error).message));
      hubApi.recommend({ q, project: project || undefined, limit: 3 }).then((r) => setSuggestions(r.recommendations), () => setSuggestions([]));
    }, 150);
    return () => clearTimeout(timer);
  }, [q, category, project]);
  const byId = (id: string) => templates.find((t) => t.id === id);

  return (
    <div className="min-h-0 flex-1 space-y-3 overflow-auto p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h1 className="mr-2 text-lg font-semibold">Templates</h1>
        <input type="search" aria-label="Search templates" placeholder="What should it do? e.g. follow up a lead by email" value={q} onChange={(e) => setQ(e.target.value)} className={`${input} w-96`} />
        <select aria-label="For project" value={project} onChange={(e) => setProject(e.target.value)} className={input}>
          <option value="">Any project</option>
          {projects.map((p) => <option key={p.id} value={p.id}>{p.name}</option>)}
        </select>
      </div>
      <div className="flex flex-wrap gap-1" role="group" aria-label="Categories">
        {['', ...categories].map((c) => (
          <button key={c || 'all'} type="button" aria-pressed={category === c} className={`${button} ${category === c ? 'bg-indigo-100 dark:bg-indigo-950' : ''}`} onClick={() => setCategory(c)}>{c || 'all'}</button>
        ))}
      </div>
      {error ? <p role="alert" className="text-sm text-red-600">{error}</p> : null}
      {suggestions.length > 0 ? (
        <section className={card} aria-label="Suggested">
          <h2 className="mb-1 text-sm font-semibold">Suggested{project ? ` for ${project}` : ''}</h2>
          <ol className="space-y-1 text-sm">
            {suggestions.map((s) => (
              <li key={s.id} data-testid="suggestion">
                <button type="button" className="font-medium text-indigo-700 hover:underline dark:text-indigo-300" onClick={() => { const t = byId(s.id); if (t) setUsing(t); }}>{s.name}</button>
                <span className="ml-2 text-xs text-zinc-500">score {s.score}: {s.reasons.map((r) => r.text).join(' · ')}</span>
              </li>
            ))}
          </ol>
        </section>
      ) : null}
      <ul className="grid grid-cols-[repeat(auto-fill,minmax(20rem,1fr))] gap-3" aria-label="Template gallery">
        {templates.map((t) => (
          <li key={t.id} className={`${card} flex flex-col gap-1`} data-testid="template-card">
            <div className="flex items-center gap-2">
              <span className="font-medium">{t.name}</span>
              <span className="ml-auto rounded bg-zinc-100 px-1.5 text-xs dark:bg-zinc-800">{t.category}</span>
            </div>
            <GraphPreview workflow={t.workflow} />
            <p className="text-xs text-zinc-600 dark:text-zinc-400">{t.description}</p>
            <p className="text-xs text-zinc-500">{t.tags.map((tag) => `#${tag}`).join(' ')}</p>
            <p className="text-xs">
              Needs: {[...t.needs.secrets.map((s) => `secret ${s.name}`), ...t.needs.env.map((e) => `env ${e.name}`), ...(t.needs.allowShell ? ['shell nodes'] : []), ...(t.needs.allowCode ? ['code nodes'] : [])].join(', ') || 'nothing'}
              {t.companions?.length ? ` · creates ${t.companions.length + 1} workflows` : ''}
            </p>
            <button type="button" className={`${button} mt-auto self-start`} onClick={() => setUsing(t)}>Use template</button>
          </li>
        ))}
      </ul>
      {using ? <UseTemplateDialog template={using} projects={projects} initialProject={project} onClose={() => setUsing(null)} /> : null}
    </div>
  );
}
