import type { NodeTypeInfo, WorkflowDefinition } from '@runtime-hub/protocol';

/** The node types in a compact form the model can follow: fields, required ones, choices, outputs. */
function nodeCatalog(types: NodeTypeInfo[]): string {
  return types
    .map((t) => {
      const fields = t.fields.map((f) => `${f.name}${f.required ? '*' : ''}: ${f.type}${f.options ? ` (${f.options.map((o) => o.value).join('|')})` : ''}`).join(', ');
      return `- ${t.type}: ${t.description.split('. ')[0]}. outputs: ${t.outputs.join(', ')}. config: { ${fields} }`;
    })
    .join('\n');
}

/** The system prompt for drafting and completing: the definition format, the node types, the rules. */
export function buildingPrompt(types: NodeTypeInfo[], context: { secrets: string[]; env: string[]; workflows: string[] }): string {
  return `You design workflows for runtime-hub. Answer with JSON only: one workflow definition object, no prose, no code fence.

Format: { "id": slug, "name": text, "description": text, "visibility": "internal"|"public", "endpoint"?: { "method": "GET"|"POST"|"PUT"|"PATCH"|"DELETE", "path": "/path" } (public only),
"trigger": { "type": "manual" } | { "type": "webhook" } (public) | { "type": "cron", "expression": "0 9 * * *", "timezone": "Europe/Zurich" },
"nodes": [ { "id": slug, "type": one of the types below, "name": text, "config": { … } } ], "edges": [ { "source": node id, "target": node id, "sourceOutput"?: output name } ] }

Rules: exactly one node of type "trigger", first, with nothing leading into it. Every other node is reachable from it. Branches use sourceOutput ("true"/"false" for an if condition, case names + "default" for a switch, "item"/"done" for a loop, "error" when onError is "output"). Config strings may hold expressions {{ … }}: roots input, inputs, nodes.<id>.output, trigger (trigger.body, .query, .params, .headers), env.NAME, secrets.NAME, run, loop, now; filters with |, e.g. {{ trigger.body.email | lower }}. Put credentials in secrets, never literally. Fields marked * are required.

Node types:
${nodeCatalog(types)}

The project has secrets: ${context.secrets.join(', ') || '(none)'}; env: ${context.env.join(', ') || '(none)'}; other workflows: ${context.workflows.join(', ') || '(none)'}.`;
}

export function draftRequest(description: string): string {
  return `Design a workflow for this: ${description}`;
}

export function completeRequest(workflow: unknown, instructions: string | undefined): string {
  return `Complete this partial workflow${instructions ? ` (${instructions})` : ''}. Keep its existing nodes, ids and edges unless they are wrong; add what is missing so it does its job. Return the whole workflow.\n\n${JSON.stringify(workflow)}`;
}

export function repairRequest(issues: { code: string; message: string; path: string }[]): string {
  return `The validator refused that workflow. Fix every issue and answer the whole corrected workflow as JSON only.\n\nIssues:\n${issues.map((i) => `- ${i.path}: ${i.message} (${i.code})`).join('\n')}`;
}

export function explainPrompt(): string {
  return 'You explain runtime-hub workflows to their users. Say in plain words what the workflow does, step by step: what starts it, what each node does with what data, where it branches, and what it answers or produces. Mention secrets and env it needs and any risks (shell or code nodes, public endpoints). Be concise: short paragraphs or a list, no JSON.';
}

export function explainRequest(workflow: WorkflowDefinition | unknown): string {
  return `Explain this workflow:\n\n${JSON.stringify(workflow)}`;
}
