import type { HttpMethod, NodeCategory } from '@runtime-hub/protocol';

/**
 * Lists the protocol package also exports; repeated here because importing a value from it would
 * bundle its zod schemas into the dashboard (only its types cross into packages/web).
 */
export const HTTP_METHODS: readonly HttpMethod[] = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'];
export const NODE_CATEGORIES: readonly NodeCategory[] = ['trigger', 'action', 'logic', 'data', 'ai', 'flow'];
export const ON_ERROR = ['fail', 'continue', 'output'] as const;
