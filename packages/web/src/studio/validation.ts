/** One problem the hub's validator reported (`details.issues` of WORKFLOW_INVALID, or a warning). */
export interface Issue {
  code: string;
  message: string;
  path: string;
  nodeId?: string;
  field?: string;
}

export interface NodeIssues {
  errors: Issue[];
  warnings: Issue[];
  /** Field name → its issues, for the property panel. */
  fields: Record<string, { severity: 'error' | 'warning'; message: string }[]>;
}

export interface IssueMap {
  nodes: Record<string, NodeIssues>;
  /** Issues not about one node (endpoint, trigger, edges between unknown nodes…). */
  workflow: (Issue & { severity: 'error' | 'warning' })[];
}

/** `nodes[2].config.url` → node index 2, field `url`, for issues that carry no nodeId. */
function fromPath(path: string, nodeIds: readonly string[]): { nodeId?: string; field?: string } {
  const match = /^nodes\[(\d+)\](?:\.config\.([^.[\]]+))?/.exec(path);
  if (!match) return {};
  const nodeId = nodeIds[Number(match[1])];
  return { ...(nodeId !== undefined ? { nodeId } : {}), ...(match[2] !== undefined ? { field: match[2] } : {}) };
}

/** Groups the validator's issues by the node and field they name, errors apart from warnings. */
export function mapIssues(errors: readonly Issue[], warnings: readonly Issue[], nodeIds: readonly string[]): IssueMap {
  const map: IssueMap = { nodes: {}, workflow: [] };
  const add = (issue: Issue, severity: 'error' | 'warning') => {
    const located = issue.nodeId !== undefined ? { nodeId: issue.nodeId, field: issue.field } : fromPath(issue.path, nodeIds);
    if (located.nodeId === undefined || !nodeIds.includes(located.nodeId)) {
      map.workflow.push({ ...issue, severity });
      return;
    }
    const entry = (map.nodes[located.nodeId] ??= { errors: [], warnings: [], fields: {} });
    (severity === 'error' ? entry.errors : entry.warnings).push(issue);
    if (located.field !== undefined) (entry.fields[located.field] ??= []).push({ severity, message: issue.message });
  };
  for (const issue of errors) add(issue, 'error');
  for (const issue of warnings) add(issue, 'warning');
  return map;
}
