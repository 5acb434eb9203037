/**
 * Node.js implementations of the engine's I/O ports: the system clock, random ids, HTTP through
 * fetch, shell commands, the code sandbox (worker threads + node:vm), the LLM clients and SMTP mail.
 */
export { childShell } from './child-shell.js';
export { fetchHttp } from './fetch-http.js';
export { officialLlmClients } from './llm-clients.js';
export { randomIds } from './random-ids.js';
export { smtpMail } from './smtp-mail.js';
export { systemClock } from './system-clock.js';
export { WorkerSandbox } from './worker-sandbox.js';
