/**
 * Node.js implementations of the engine's I/O ports: the system clock, random ids, HTTP through
 * fetch, shell commands, the code sandbox (worker threads + node:vm) and the LLM clients.
 */
export { childShell } from './child-shell.js';
export { fetchHttp } from './fetch-http.js';
export { officialLlmClients } from './llm-clients.js';
export { randomIds } from './random-ids.js';
export { systemClock } from './system-clock.js';
export { WorkerSandbox } from './worker-sandbox.js';
