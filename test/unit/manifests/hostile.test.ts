// Input meant to hurt the parser: alias bombs, huge documents, deep nesting, binary data. Each must be
// refused quickly, with a message, never with a crash or a stack trace.
import { describe, it, expect } from 'vitest';
import { parseManifests, ManifestError, MAX_DOCUMENT_BYTES } from '../../../src/manifests/index.js';

function refuse(input: string | Uint8Array, source = 'evil.yaml'): { err: ManifestError; ms: number } {
  const started = performance.now();
  try {
    parseManifests(input, source);
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    return { err: e as ManifestError, ms: performance.now() - started };
  }
  throw new Error('accepted');
}

const POD = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: nginx:1.25\n';

describe('alias expansion', () => {
  it('refuses a billion-laughs bomb in milliseconds', () => {
    const levels = Array.from({ length: 12 }, (_, i) =>
      `    l${i}: &l${i} [${Array(10).fill(i === 0 ? '"lol"' : `*l${i - 1}`).join(', ')}]`).join('\n');
    const bomb = `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  annotations:\n${levels}\n`;
    const { err, ms } = refuse(bomb);
    expect(ms).toBeLessThan(500);
    expect(err.message).toContain('evil.yaml:7:');
    expect(err.message).toContain('"billion laughs"');
  });

  it('still accepts a modest use of anchors and aliases', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: &l {app: web}\nspec:\n  nodeSelector: *l\n  containers:\n    - name: c\n      image: nginx:1.25\n';
    const { objects } = parseManifests(text, 'ok.yaml');
    expect((objects[0]!.object.spec as { nodeSelector: unknown }).nodeSelector).toEqual({ app: 'web' });
  });

  it('supports merge keys as kubectl (go-yaml) does', () => {
    const text = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    <<: {app: web}\n    tier: front\nspec:\n  containers:\n    - name: c\n      image: nginx:1.25\n';
    const { objects, warnings } = parseManifests(text, 'ok.yaml');
    expect(objects[0]!.object.metadata!.labels).toEqual({ app: 'web', tier: 'front' });
    expect(warnings).toEqual([]);
  });
});

describe('size', () => {
  it(`refuses a document over ${MAX_DOCUMENT_BYTES} bytes before parsing it`, () => {
    const big = `${POD}  annotations:\n    junk: "${'x'.repeat(MAX_DOCUMENT_BYTES)}"\n`;
    const { err, ms } = refuse(`apiVersion: v1\nkind: Service\nmetadata:\n  name: s\n---\n${big}`);
    expect(ms).toBeLessThan(1000);
    expect(err.line).toBe(5);
    expect(err.message).toContain('evil.yaml:5:1: this YAML document is 3.0 MiB, over the 3 MiB limit for one object');
  });

  it('accepts many small documents that add up to more than the limit', () => {
    const doc = (i: number) => `apiVersion: v1\nkind: Service\nmetadata:\n  name: s${i}\n  annotations:\n    pad: "${'x'.repeat(200_000)}"\nspec:\n  ports:\n    - port: 80\n`;
    const text = Array.from({ length: 20 }, (_, i) => doc(i)).join('---\n');
    expect(Buffer.byteLength(text)).toBeGreaterThan(MAX_DOCUMENT_BYTES);
    expect(parseManifests(text, 'many.yaml').objects).toHaveLength(20);
  });
});

describe('nesting', () => {
  it('refuses a million nested flow brackets without running the parser out of memory', () => {
    const n = 1_500_000;
    const { err, ms } = refuse(`${'['.repeat(n)}${']'.repeat(n)}`);
    expect(ms).toBeLessThan(1000);
    expect(err.message).toContain('evil.yaml:1:101: the document nests deeper than 100 levels');
  });

  it('refuses deeply nested JSON', () => {
    const json = `{"apiVersion":"v1","kind":"Pod","metadata":${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}}`;
    expect(refuse(json, 'evil.json').err.message).toContain('nests deeper than 100 levels');
  });

  it('refuses a compact list of lists ("- - - - x")', () => {
    const { err, ms } = refuse(`${'- '.repeat(500_000)}x\n`);
    expect(ms).toBeLessThan(1000);
    expect(err.message).toContain('evil.yaml:1:1: the document nests deeper than 100 levels');
  });

  it('refuses deep block nesting found in the syntax tree', () => {
    const lines = Array.from({ length: 120 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n');
    const { err } = refuse(`${lines} end\n`);
    expect(err.message).toContain('the document nests deeper than 100 levels');
    expect(err.line).toBe(101);
  });

  it('is not fooled by brackets and quotes inside ordinary strings', () => {
    const text = `${POD}      args: ["echo [[[[ don't ]]", 'it''s [fine']\n      command: [sh, -c, "x"]\n`;
    expect(parseManifests(text, 'ok.yaml').objects).toHaveLength(1);
  });
});

describe('binary junk', () => {
  it('refuses NUL bytes in a string', () => {
    const { err } = refuse(`apiVersion: v1\nkind: Pod\u0000\u0001`);
    expect(err.message).toContain('evil.yaml:2:10: the file contains a NUL byte');
  });

  it('refuses invalid UTF-8 bytes', () => {
    const bytes = Buffer.concat([Buffer.from('apiVersion: v1\nkind: Pod\nmetadata:\n  name: '), Buffer.from([0xc3, 0x28, 0xa0, 0xa1]), Buffer.from('\n')]);
    const { err } = refuse(bytes);
    expect(err.message).toContain('evil.yaml:4:9: the file is not valid UTF-8 text');
  });

  it('refuses control characters YAML does not allow', () => {
    const { err } = refuse(`apiVersion: v1\nkind: Pod\u0007\n`);
    expect(err.message).toContain('evil.yaml:2:10: the file contains the control character U+0007, which YAML does not allow');
  });

  it('refuses random bytes quickly', () => {
    let seed = 42;
    const bytes = Uint8Array.from({ length: 200_000 }, () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed & 0xff; });
    const { err, ms } = refuse(bytes, 'random.bin');
    expect(ms).toBeLessThan(500);
    expect(err.message).toMatch(/^random\.bin:\d+:\d+: the file (contains a NUL byte|is not valid UTF-8)/);
  });

  it('accepts UTF-8 text with a byte order mark and non-ASCII characters', () => {
    const text = `\ufeff${POD.replace('  name: p\n', '  name: p\n  annotations:\n    description: "헬스체크 데모"\n')}`;
    const { objects } = parseManifests(Buffer.from(text, 'utf8'), 'bom.yaml');
    expect(objects[0]!.object.metadata!.annotations).toEqual({ description: '헬스체크 데모' });
  });
});
