/** Fields edited in place across a reload (workspace/src/drafts.ts). */
import { describe, expect, it } from 'vitest';
import { rebaseDrafts } from '../../../workspace/src/drafts.js';

describe('rebaseDrafts', () => {
  it('gives untouched fields the new stored value and keeps the edited ones', () => {
    const before = { a: 'one', b: 'two', c: 'three' };
    const drafts = { a: 'one', b: 'typed', c: 'three' };
    expect(rebaseDrafts(drafts, before, { a: 'ONE', b: 'two', c: 'three' })).toEqual({ a: 'ONE', b: 'typed', c: 'three' });
  });

  it('keeps only the fields now stored, and starts new ones from what is stored', () => {
    expect(rebaseDrafts({ gone: 'x', a: 'typed' }, { gone: '', a: '' }, { a: '', fresh: 'stored' })).toEqual({ a: 'typed', fresh: 'stored' });
  });

  it('compares numbers and flags as they are', () => {
    expect(rebaseDrafts({ base: 3, unique: true }, { base: 3, unique: false }, { base: 8, unique: false })).toEqual({ base: 8, unique: true });
  });
});
