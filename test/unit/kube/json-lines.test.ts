import { describe, expect, it } from 'vitest';
import { JsonLineSplitter } from '../../../src/kube/json-lines.js';

describe('JsonLineSplitter (engine streams and API watches)', () => {
  it('reassembles objects split across chunks and skips junk', () => {
    const s = new JsonLineSplitter();
    expect(s.push('{"a":1}\n{"b"')).toEqual([{ a: 1 }]);
    expect(s.push(':2}\r\nnot json\n\n')).toEqual([{ b: 2 }]);
    expect(s.push('{"c":3}')).toEqual([]);
    expect(s.push('\n')).toEqual([{ c: 3 }]);
  });

  it('keeps a multi-byte character whole when a chunk boundary cuts through it', () => {
    const bytes = Buffer.from('{"message":"café ✓"}\n', 'utf8');
    const cut = bytes.indexOf(0xc3) + 1; // between the two bytes of "é"
    const s = new JsonLineSplitter();
    expect(s.push(bytes.subarray(0, cut))).toEqual([]);
    expect(s.push(bytes.subarray(cut))).toEqual([{ message: 'café ✓' }]);
  });

  it('throws on a malformed line when the stream must end with that error (a watch)', () => {
    const s = new JsonLineSplitter({ malformed: 'throw' });
    expect(() => s.push('{"type":"ADDED"\n')).toThrow(SyntaxError);
  });
});
