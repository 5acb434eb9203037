// Preload (node --require) that wraps the same find-my-way functions as
// packages/sdk-js/src/testing/fixtures/track-find-my-way.cjs, with OpenTelemetry instead:
// tracer.startActiveSpan around each exported function and each class method, a
// BatchSpanProcessor and the OTLP/HTTP exporter to the hub's /v1/traces. The baseline of
// bench/sdk-js/realcode.mjs. Appends the number of spans it ended to STATS_FILE at exit.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload (node --require) on purpose */
/* global require */
const fs = require('node:fs');
const Module = require('node:module');
const path = require('node:path');
const { trace, SpanStatusCode } = require('@opentelemetry/api');
const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node');
const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base');
const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http');
const { resourceFromAttributes } = require('@opentelemetry/resources');

let ended = 0;
const counter = { onStart() {}, onEnd() { ended++; }, forceFlush: async () => {}, shutdown: async () => {} };
const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': process.env.SERVICE || 'fmw-otel' }),
  spanProcessors: [counter, new BatchSpanProcessor(new OTLPTraceExporter({ url: `${process.env.HUB_URL}/v1/traces` }))],
});
provider.register();
const tracer = trace.getTracer('bench');
process.on('beforeExit', () => void provider.forceFlush());

const wrapped = new WeakMap();
function wrap(fn, name) {
  if (wrapped.has(fn)) return wrapped.get(fn);
  const w = function (...args) {
    return tracer.startActiveSpan(name, (span) => {
      try {
        const result = new.target ? Reflect.construct(fn, args, new.target) : fn.apply(this, args);
        span.end();
        return result;
      } catch (error) {
        span.recordException(error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        span.end();
        throw error;
      }
    });
  };
  if (fn.prototype) w.prototype = fn.prototype;
  wrapped.set(fn, w);
  wrapped.set(w, w);
  return w;
}
function isClassLike(fn) {
  if (Object.prototype.toString.call(fn) !== '[object Function]') return false;
  if (/^class[\s{]/.test(Function.prototype.toString.call(fn))) return true;
  const proto = fn.prototype;
  return !!proto && (Object.getPrototypeOf(proto) !== Object.prototype || Object.getOwnPropertyNames(proto).some((n) => n !== 'constructor'));
}
const done = new WeakSet();
function methods(owner, prefix, skip) {
  for (const key of Object.getOwnPropertyNames(owner)) {
    if (skip.includes(key)) continue;
    const d = Object.getOwnPropertyDescriptor(owner, key);
    if (!d || !('value' in d) || typeof d.value !== 'function' || isClassLike(d.value)) continue;
    if (d.writable || d.configurable) Object.defineProperty(owner, key, { ...d, value: wrap(d.value, `${prefix}.${key}`) });
  }
}
function instrument(exports) {
  const cls = (c) => {
    if (done.has(c)) return;
    done.add(c);
    if (c.prototype) methods(c.prototype, c.name, ['constructor']);
    methods(c, c.name, ['length', 'name', 'prototype', 'caller', 'arguments']);
  };
  if (typeof exports === 'function') {
    if (isClassLike(exports)) return cls(exports), exports;
    return wrap(exports, exports.name || 'anonymous');
  }
  if (!exports || typeof exports !== 'object') return exports;
  for (const key of Object.keys(exports)) {
    const d = Object.getOwnPropertyDescriptor(exports, key);
    if (!d || !('value' in d) || typeof d.value !== 'function') continue;
    if (isClassLike(d.value)) cls(d.value);
    else if (d.writable) exports[key] = wrap(d.value, d.value.name || key);
  }
  return exports;
}

const root = path.dirname(require.resolve('find-my-way/package.json')) + path.sep;
const ownTests = path.join(root, 'test') + path.sep;
const loadJs = Module._extensions['.js'];
// OTEL_INSTRUMENT=0: OpenTelemetry loaded and registered, nothing wrapped (its fixed cost).
if (process.env.OTEL_INSTRUMENT !== '0') Module._extensions['.js'] = function (module, filename) {
  loadJs.call(this, module, filename);
  if (filename.startsWith(root) && !filename.startsWith(ownTests) && !filename.includes(`${path.sep}node_modules${path.sep}`, root.length)) {
    module.exports = instrument(module.exports);
  }
};
if (process.env.STATS_FILE) process.on('exit', () => fs.appendFileSync(process.env.STATS_FILE, `${JSON.stringify({ pid: process.pid, ended })}\n`));
