export { LOOP_TYPE, TRIGGER_TYPE, compileGraph, descendants } from './compile.js';
export type { CompiledEdge, CompiledGraph } from './compile.js';
export { EXPRESSION_ROOTS, endpointKey, validateWorkflow } from './validate.js';
export type { IssueCode, ProjectContext, ValidationIssue, ValidationResult } from './validate.js';
