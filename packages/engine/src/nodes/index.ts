export { parseDuration } from './duration.js';
export { checkFields, coerceFields, withDefaults } from './fields.js';
export { BUILTIN_NODE_TYPES, TRIGGER_TYPES, createRegistry, describeNodeTypes } from './registry.js';
export type { NodeRegistry } from './registry.js';
export type { CallRequest, CallResult, NodeResult, NodeRunContext, NodeServices, NodeType } from './types.js';
