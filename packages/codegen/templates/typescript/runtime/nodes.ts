import { spawn } from 'node:child_process';
import { smtpMail } from '../engine/adapters/smtp-mail.js';
import { NodeFailure, permanent } from '../engine/errors.js';
import { toText } from '../engine/expr/index.js';
import { emailNode } from '../engine/nodes/builtin/email.js';
import type { ProjectApp } from './app.js';
import { runCode } from './code.js';
import { buildUrl, parseBody, send, statusFailure, stringHeaders } from './http.js';
import { chat } from './llm.js';
import type { NodeDef, NodeResult, RunResult } from './types.js';

/** The node types an exported app runs, as the engine's nodes/builtin/*.ts do. */

export interface NodeContext {
  run: { id: string; call(nodeId: string, workflowId: string, body: unknown): Promise<RunResult> };
  node: NodeDef;
  config: Record<string, unknown>;
  input: unknown;
  inputs: { source: string; value: unknown }[];
  app: ProjectApp;
  trigger: Record<string, unknown>;
  now(): number;
  /** What a code node sees as globals: JSON only, no secrets. */
  globals(): Record<string, unknown>;
}

export interface NodeType {
  inline?: boolean;
  run(context: NodeContext): NodeResult | Promise<NodeResult>;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

function setPath(target: Record<string, unknown>, dotted: string, value: unknown): void {
  const keys = dotted.split('.');
  let current = target;
  keys.forEach((key, i) => {
    if (['__proto__', 'prototype', 'constructor', ''].includes(key)) throw permanent('CONFIG_INVALID', `field name "${dotted}" is not allowed`, `fields.${dotted}`);
    if (i === keys.length - 1) {
      current[key] = value;
      return;
    }
    if (!isRecord(current[key])) current[key] = {};
    current = current[key] as Record<string, unknown>;
  });
}

function encodeBody(body: unknown, bodyType: unknown, headers: Record<string, string>): string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (bodyType === 'text') return toText(body);
  if (bodyType === 'form') {
    headers['content-type'] ??= 'application/x-www-form-urlencoded';
    const params = new URLSearchParams();
    if (isRecord(body)) for (const [k, v] of Object.entries(body)) params.append(k, toText(v));
    return params.toString();
  }
  headers['content-type'] ??= 'application/json';
  return JSON.stringify(body);
}

const SHELL_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'TZ', 'TMPDIR', 'USER', 'SHELL'];

function shell(context: NodeContext): Promise<NodeResult> {
  const { config, app } = context;
  if (!app.project.settings.allowShell) {
    throw permanent('NODE_NOT_ALLOWED', `shell nodes are disabled in project "${app.project.id}"; enable settings.allowShell to run them`);
  }
  const env: Record<string, string> = {};
  for (const name of SHELL_ENV) if (process.env[name] !== undefined) env[name] = process.env[name] as string;
  Object.assign(env, app.env());
  if (isRecord(config.env)) for (const [name, value] of Object.entries(config.env)) env[name] = toText(value);
  const limit = config.timeoutMs as number;
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', toText(config.command)], { cwd: config.cwd ? toText(config.cwd) : undefined, env, detached: true });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      if (child.pid) process.kill(-child.pid, 'SIGKILL');
    }, limit);
    child.on('error', (error) => reject(error));
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      if (timedOut) return reject(new NodeFailure('NODE_TIMEOUT', `the command ran longer than ${limit} ms`));
      const output = { exitCode: code, signal, stdout, stderr };
      if (config.failOnNonZero !== false && code !== 0) {
        return reject(new NodeFailure('SHELL_EXIT', `the command exited with ${code ?? signal}: ${stderr.trim().slice(-500)}`, { details: output }));
      }
      resolve({ output });
    });
  });
}

export const NODE_TYPES: Record<string, NodeType> = {
  trigger: { inline: true, run: (c) => ({ output: c.trigger }) },
  set: {
    inline: true,
    run: ({ config, input }) => {
      const base: Record<string, unknown> = config.keepInput === true && isRecord(input) ? structuredClone(input) : {};
      for (const [name, value] of Object.entries(isRecord(config.fields) ? config.fields : {})) setPath(base, name, value);
      return { output: base };
    },
  },
  transform: { inline: true, run: ({ config }) => ({ output: config.value }) },
  condition: {
    inline: true,
    run: ({ config, input }) => {
      if (config.mode === 'switch') {
        const value = toText(config.value);
        const cases = Array.isArray(config.cases) ? config.cases.map((c) => toText(c)) : [];
        return { output: input, branch: cases.find((c) => c === value) ?? 'default' };
      }
      const passed = config.condition === true || (config.condition !== 'false' && Boolean(config.condition));
      return { output: input, branch: passed ? 'true' : 'false' };
    },
  },
  wait: {
    inline: true,
    run: ({ config, input, now }) => {
      if (config.mode === 'until') {
        const text = toText(config.until);
        const at = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
        if (Number.isNaN(at)) throw permanent('CONFIG_INVALID', `"until" is not a time: ${JSON.stringify(text)}`, 'until');
        return { output: input, waitUntil: Math.max(at, now()) };
      }
      return { output: input, waitUntil: now() + (config.duration as number) };
    },
  },
  merge: {
    inline: true,
    run: ({ config, inputs }) => {
      if (config.mode === 'array') return { output: inputs.map((i) => i.value) };
      if (config.mode === 'first') return { output: inputs[0]?.value ?? null };
      if (config.mode === 'merge') {
        const out: Record<string, unknown> = {};
        for (const { value } of inputs) if (isRecord(value)) Object.assign(out, value);
        return { output: out };
      }
      return { output: Object.fromEntries(inputs.map((i) => [i.source, i.value])) };
    },
  },
  respond: {
    inline: true,
    run: ({ config }) => {
      const headers: Record<string, string> = {};
      if (isRecord(config.headers)) for (const [name, value] of Object.entries(config.headers)) headers[name.toLowerCase()] = toText(value);
      const status = config.status as number;
      if (!Number.isInteger(status) || status < 100 || status > 599) throw permanent('CONFIG_INVALID', `"status" must be an HTTP status, not ${JSON.stringify(config.status)}`, 'status');
      return { output: config.body, response: { status, headers, body: config.body } };
    },
  },
  http: {
    run: async ({ config }) => {
      const method = toText(config.method).toUpperCase();
      const url = buildUrl(config.url, config.query);
      const headers = stringHeaders(config.headers);
      const body = method === 'GET' || method === 'HEAD' ? undefined : encodeBody(config.body, config.bodyType, headers);
      const response = await send({ method, url, headers, body, timeoutMs: config.timeoutMs as number });
      if (config.failOnStatus !== false && response.status >= 400) throw statusFailure(method, url, response);
      return { output: { status: response.status, headers: response.headers, body: parseBody(response, config.responseType) } };
    },
  },
  notification: {
    run: async ({ config }) => {
      const url = buildUrl(config.url, undefined);
      const text = config.title ? `*${toText(config.title)}*\n${toText(config.text)}` : toText(config.text);
      const payload: Record<string, unknown> = { text };
      if (config.username) payload.username = toText(config.username);
      if (config.iconEmoji) payload.icon_emoji = toText(config.iconEmoji);
      if (config.channel) payload.channel = toText(config.channel);
      if (isRecord(config.extra)) Object.assign(payload, config.extra);
      const response = await send({ method: 'POST', url, headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload), timeoutMs: config.timeoutMs as number });
      if (response.status >= 400) throw statusFailure('POST', '(webhook)', response);
      return { output: { delivered: true, status: response.status, response: response.body.slice(0, 1000) } };
    },
  },
  workflow: {
    run: async ({ config, run, node, app }) => {
      if (config.mode === 'http') {
        const method = toText(config.method).toUpperCase();
        const url = buildUrl(config.url, undefined);
        const headers = { 'content-type': 'application/json', ...stringHeaders(config.headers) };
        const body = method === 'GET' ? undefined : JSON.stringify(config.input ?? null);
        const response = await send({ method, url, headers, body, timeoutMs: config.timeoutMs as number });
        if (response.status >= 400) throw statusFailure(method, url, response);
        return { output: parseBody(response, 'auto') };
      }
      const workflow = toText(config.workflow);
      if (config.wait === false) {
        void run.call(node.id, workflow, config.input).catch(() => undefined);
        return { output: { runId: null, status: 'running' } };
      }
      const result = await run.call(node.id, workflow, config.input);
      if (result.status !== 'succeeded') {
        throw new NodeFailure('CALL_FAILED', `workflow "${workflow}" ${result.status} (run ${result.runId})`, {
          details: { runId: result.runId, status: result.status, error: app.mask(result.error) },
        });
      }
      return { output: result.output ?? null };
    },
  },
  shell: { run: shell },
  code: { run: runCode },
  llm: { run: async (context) => ({ output: await chat(context.config) }) },
  // The engine's own email node and nodemailer transport (engine/nodes/builtin/email.js).
  email: { run: ({ config }) => emailNode.run({ config, services: { mail: smtpMail() }, signal: new AbortController().signal } as unknown as Parameters<typeof emailNode.run>[0]) as Promise<NodeResult> },
};
