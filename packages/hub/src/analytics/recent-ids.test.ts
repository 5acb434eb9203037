import { describe, expect, it } from 'vitest';
import { RecentIds } from './recent-ids.js';

const id = (n: number) => n.toString(16).padStart(16, '0');

describe('RecentIds', () => {
  it('tells new ids from repeated ones, sequential ids included', () => {
    const ids = new RecentIds(1000);
    for (let n = 1; n <= 900; n++) expect(ids.add(id(n))).toBe(true);
    for (let n = 1; n <= 900; n++) expect(ids.add(id(n))).toBe(false);
    expect(ids.add('ffffffff00000001')).toBe(true);
    expect(ids.add('00000001ffffffff')).toBe(true);
    expect(ids.add('ffffffff00000001')).toBe(false);
  });

  it('remembers at least one full generation and forgets the oldest after two', () => {
    const ids = new RecentIds(100);
    for (let n = 1; n <= 150; n++) ids.add(id(n));
    expect(ids.add(id(60))).toBe(false); // in the previous generation
    for (let n = 1000; n < 1200; n++) ids.add(id(n));
    expect(ids.add(id(60))).toBe(true); // two generations later
  });
});
