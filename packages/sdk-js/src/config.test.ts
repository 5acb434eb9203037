import { describe, expect, it, vi } from 'vitest';
import { defaultService, effectiveCompression, resolveConfig } from './config.js';

describe('resolveConfig', () => {
  it('uses defaults that match the Python SDK', () => {
    const config = resolveConfig({ service: 'svc' }, {});
    expect(config).toMatchObject({
      url: 'http://127.0.0.1:8765',
      enabled: true,
      sampleRate: 1,
      maxString: 1024,
      maxDepth: 5,
      maxItems: 50,
      maxSpanBytes: 256 * 1024,
      maxQueueSpans: 10_000,
      compression: 'auto',
    });
  });

  it('reads RUNTIME_HUB_* variables; explicit options win; durations in env are seconds', () => {
    const env = {
      RUNTIME_HUB_URL: 'http://hub:9000/',
      RUNTIME_HUB_SERVICE: 'from-env',
      RUNTIME_HUB_ENABLED: 'no',
      RUNTIME_HUB_SAMPLE_RATE: '0.25',
      RUNTIME_HUB_FLUSH_INTERVAL: '0.5',
      RUNTIME_HUB_REDACT: 'ssn, pin',
      RUNTIME_HUB_TOKEN: 't0k',
    };
    const config = resolveConfig({ service: 'explicit' }, env);
    expect(config).toMatchObject({
      url: 'http://hub:9000',
      service: 'explicit',
      enabled: false,
      sampleRate: 0.25,
      flushIntervalMs: 500,
      redact: ['ssn', 'pin'],
      token: 't0k',
    });
  });

  it('never throws on bad values: warns once and falls back or clamps', () => {
    const write = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const config = resolveConfig({ service: 's', sampleRate: 7, maxDepth: Number.NaN, url: 'ftp://x' }, { RUNTIME_HUB_ENABLED: 'maybe' });
    expect(config).toMatchObject({ sampleRate: 1, maxDepth: 5, url: 'http://127.0.0.1:8765', enabled: true });
    expect(write).toHaveBeenCalled();
    write.mockRestore();
  });

  it('compresses for a remote hub only, unless told otherwise', () => {
    expect(effectiveCompression(resolveConfig({ service: 's' }, {}))).toBe('none');
    expect(effectiveCompression(resolveConfig({ service: 's', url: 'https://hub.example.com' }, {}))).toBe('gzip');
    expect(effectiveCompression(resolveConfig({ service: 's' }, { RUNTIME_HUB_COMPRESSION: 'gzip' }))).toBe('gzip');
    expect(effectiveCompression(resolveConfig({ service: 's', url: 'http://10.0.0.2:8765', compression: 'none' }, {}))).toBe('none');
  });

  it('names the service after the main script', () => {
    expect(defaultService(['node', '/srv/app/shop.js'])).toBe('shop');
    expect(defaultService(['node', '/srv/billing/index.mjs'])).toBe('billing');
    expect(defaultService(['node'])).toBe('node');
  });
});
