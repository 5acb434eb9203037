export { ExpressionError } from './ast.js';
export type { Expr } from './ast.js';
export { evaluate } from './evaluate.js';
export type { Scope } from './evaluate.js';
export { FILTER_NAMES } from './filters.js';
export { parseExpression } from './parser.js';
export { TemplateError, compileTemplate, hasTemplate, inspectTemplates, renderDeep, renderTemplate } from './template.js';
export type { TemplateProblem, TemplateReference } from './template.js';
export { strict, toText } from './values.js';
