export { jsonResponse, scriptedHttp, testEngine } from './harness.js';
export type { TestEngine } from './harness.js';
export { runStoreConformance } from './run-store-cases.js';
export { startLlmTestServer } from './llm-test-server.js';
export type { LlmTestRequest, LlmTestServer } from './llm-test-server.js';
export { FILTER_TAINT_CASES, TAINT_SECRETS, recoverable } from './secret-cases.js';
export { GREET_WORKFLOW, LOOP_WORKFLOW } from './fixtures.js';
