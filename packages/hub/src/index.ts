export { createHub } from './server.js';
export type { Feature, Hub } from './server.js';
export type { HubConfig } from './config.js';
export type { HubContext } from './context.js';
export type { SpanStore } from './store/store.js';
