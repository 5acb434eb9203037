import type { WorkflowTemplate } from './template-types.js';

/** What the recommender knows about where a template would go. */
export interface RecommendContext {
  /** What the user typed ("send a follow-up email after 2 days"). */
  text?: string;
  /** Node types the project's workflows use already. */
  nodeTypes?: readonly string[];
  secrets?: readonly string[];
  env?: readonly string[];
  settings?: { allowShell?: boolean; allowCode?: boolean };
  /** Per template id: workflows made from it on this hub, and their finished runs. */
  stats?: Readonly<Record<string, { uses: number; runs: number; succeeded: number }>>;
}

export interface Reason {
  /** Shown next to the suggestion: why it is there (or ranked lower). */
  text: string;
  points: number;
}

export interface Recommendation {
  template: WorkflowTemplate;
  score: number;
  reasons: Reason[];
}

const STOP = new Set(['a', 'an', 'the', 'and', 'or', 'to', 'of', 'for', 'in', 'on', 'at', 'with', 'when', 'then', 'my', 'me', 'i', 'it', 'is', 'be', 'by', 'from', 'that', 'this', 'every', 'after']);

/** Lowercase words of 2+ characters, stop words out, a plural's trailing s dropped ("emails" → "email"). */
export function words(text: string): string[] {
  return [...new Set(text.toLowerCase().match(/[a-z0-9]{2,}/g) ?? [])].filter((w) => !STOP.has(w)).map((w) => (w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
}

/** Node types the template's workflows use (trigger left out: every workflow has one). */
export function nodeTypesOf(template: WorkflowTemplate): string[] {
  const types = new Set<string>();
  for (const workflow of [template.workflow, ...(template.companions ?? [])]) for (const node of workflow.nodes) if (node.type !== 'trigger') types.add(node.type);
  return [...types];
}

function textReasons(template: WorkflowTemplate, query: string[]): Reason[] {
  const reasons: Reason[] = [];
  const tags = template.tags.flatMap((t) => words(t));
  const name = words(template.name);
  const description = words(template.description);
  const types = nodeTypesOf(template);
  for (const word of query) {
    if (tags.includes(word) || types.includes(word)) reasons.push({ text: `matches “${word}” (tag)`, points: 3 });
    else if (name.includes(word) || template.category === word) reasons.push({ text: `matches “${word}” (name)`, points: 2 });
    else if (description.includes(word)) reasons.push({ text: `matches “${word}” (description)`, points: 1 });
  }
  return reasons;
}

/**
 * Scores one template for a context; every point comes with the reason shown to the user.
 * Text matches weigh most; then what the project already has (node types it uses, secrets and env
 * the template needs), then how workflows made from the template fared here (success rate over at
 * least 5 runs, use count), minus what the project does not allow (shell, code).
 */
export function scoreTemplate(template: WorkflowTemplate, context: RecommendContext): Recommendation {
  const reasons: Reason[] = [];
  const query = words(context.text ?? '');
  reasons.push(...textReasons(template, query));

  const familiar = nodeTypesOf(template).filter((t) => context.nodeTypes?.includes(t));
  if (familiar.length > 0) reasons.push({ text: `uses ${familiar.join(', ')} like your workflows`, points: Math.min(familiar.length, 3) * 0.5 });

  const needed = [...template.needs.secrets.map((s) => ({ kind: 'secret', name: s.name, have: context.secrets?.includes(s.name) })), ...template.needs.env.map((e) => ({ kind: 'env', name: e.name, have: context.env?.includes(e.name) || e.default !== undefined }))];
  const present = template.needs.secrets.filter((s) => context.secrets?.includes(s.name)).map((s) => s.name);
  if (present.length > 0) reasons.push({ text: `${present.join(', ')} already set in the project`, points: present.length });
  const missing = needed.filter((n) => !n.have);
  if (needed.length > 0 && missing.length === 0) reasons.push({ text: 'ready to run: everything it needs is set', points: 1.5 });

  if (template.needs.allowShell && context.settings && !context.settings.allowShell) reasons.push({ text: 'needs shell nodes, which this project does not allow', points: -1 });
  if (template.needs.allowCode && context.settings && !context.settings.allowCode) reasons.push({ text: 'needs code nodes, which this project does not allow', points: -1 });

  const stats = context.stats?.[template.id];
  if (stats && stats.runs >= 5) {
    const rate = stats.succeeded / stats.runs;
    reasons.push({ text: `${Math.round(rate * 100)} % of ${stats.runs} runs succeeded here`, points: Math.round(4 * (rate - 0.5) * 10) / 10 });
  }
  if (stats && stats.uses > 0) reasons.push({ text: `used ${stats.uses} time${stats.uses === 1 ? '' : 's'} on this hub`, points: Math.round(Math.min(Math.log2(1 + stats.uses), 3) * 10) / 10 });

  const score = Math.round(reasons.reduce((sum, r) => sum + r.points, 0) * 10) / 10;
  return { template, score, reasons };
}

/**
 * Templates ranked for a context, best first (ties: by name). With typed text, templates that
 * match none of its words are left out — a suggestion should have something to do with the question.
 */
export function recommend(templates: readonly WorkflowTemplate[], context: RecommendContext, limit = 5): Recommendation[] {
  const hasText = words(context.text ?? '').length > 0;
  return templates
    .map((t) => scoreTemplate(t, context))
    .filter((r) => !hasText || r.reasons.some((reason) => reason.text.startsWith('matches')))
    .sort((a, b) => b.score - a.score || a.template.name.localeCompare(b.template.name))
    .slice(0, limit);
}
