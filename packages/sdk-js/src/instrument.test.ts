import { describe, expect, it } from 'vitest';
import { track, trackClass, trackModule } from './index.js';
import { memorySdk } from './testing/memory-sdk.js';

// Issue 18: instrumenting whole modules must track each function once, keep identities (a
// function re-exported by another module is the same object under both names), and leave
// classes usable (new, instanceof, static members, getters).

describe('trackModule', () => {
  it('tracks every exported function once; a re-export points at the same wrapper', async () => {
    const sdk = memorySdk();
    function parse(text: string) {
      return text.split(',');
    }
    const sub = { parse, version: '1.0' };
    const pkg = { parse: sub.parse, parseAll: (texts: string[]) => texts.map((t) => pkg.parse(t)) };
    trackModule(sub);
    trackModule(pkg);
    expect(pkg.parse).toBe(sub.parse);
    expect(pkg.parse).not.toBe(parse);
    expect(sub.version).toBe('1.0');
    trackModule(pkg); // again: nothing changes, no second wrapper
    expect(pkg.parse).toBe(sub.parse);
    expect(pkg.parseAll(['a,b'])).toEqual([['a', 'b']]);
    const spans = await sdk.spans();
    expect(spans.map((s) => s.name)).toEqual(['parseAll', 'parse']);
    expect(spans[1]!.parentSpanId).toBe(spans[0]!.spanId);
  });

  it('leaves getters (compiled ESM re-exports) and frozen objects alone', () => {
    memorySdk();
    const source = { f: () => 1 };
    const reexport = Object.defineProperty({}, 'f', { enumerable: true, get: () => source.f }) as { f: () => number };
    trackModule(source);
    trackModule(reexport);
    expect(reexport.f).toBe(source.f);
    const frozen = Object.freeze({ g: () => 2 });
    expect(() => trackModule(frozen)).not.toThrow();
    expect(frozen.g()).toBe(2);
  });

  it('with classes: true, tracks methods in place and keeps the class itself', async () => {
    const sdk = memorySdk();
    class Router {
      static create() {
        return new Router();
      }
      routes: string[] = [];
      get size() {
        return this.routes.length;
      }
      on(path: string) {
        this.routes.push(path);
        return this;
      }
      *paths() {
        yield* this.routes;
      }
    }
    const mod = { Router };
    trackModule(mod, { classes: true });
    expect(mod.Router).toBe(Router);
    const router = Router.create().on('/a').on('/b');
    expect(router).toBeInstanceOf(Router);
    expect(router.size).toBe(2);
    expect([...router.paths()]).toEqual(['/a', '/b']);
    const names = (await sdk.spans()).map((s) => s.name);
    expect(names).toEqual(['Router.create', 'Router.on', 'Router.on', 'Router.paths']);
  });

  it('an ES5 constructor with prototype methods counts as a class; module.exports = fn returns its wrapper', async () => {
    const sdk = memorySdk();
    function Store(this: { items: number[] }) {
      this.items = [];
    }
    Store.prototype.add = function add(this: { items: number[] }, n: number) {
      this.items.push(n);
    };
    trackClass(Store as unknown as abstract new () => unknown);
    const store = new (Store as unknown as new () => { add(n: number): void; items: number[] })();
    store.add(1);
    const single = function single() {
      return 'one';
    };
    const exported = trackModule(single);
    expect(exported()).toBe('one');
    expect(trackModule(single)).toBe(exported);
    expect(track(exported)).toBe(exported);
    expect((await sdk.spans()).map((s) => s.name)).toEqual(['Store.add', 'single']);
  });
});
