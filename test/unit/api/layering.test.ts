// The API server forwards logs and exec to the kubelet (streaming/kubelet-streams.ts) as kube-apiserver
// does, and serves HTTP with Node's own server: nothing under src/api imports the container runtime or
// express. Read from the sources, so a new import fails here before review.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const API = path.resolve(import.meta.dirname, '../../../src/api');

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

function imports(file: string): string[] {
  const text = fs.readFileSync(file, 'utf8');
  return [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g)].map((m) => m[1]!);
}

describe('src/api imports', () => {
  const files = sources(API);

  it('finds the sources', () => {
    expect(files.length).toBeGreaterThan(30);
  });

  it.each(files.map((f) => [path.relative(API, f), f]))('%s imports neither src/runtime nor express', (_name, file) => {
    for (const spec of imports(file)) {
      expect(path.resolve(path.dirname(file), spec).startsWith(path.resolve(API, '../runtime')), spec).toBe(false);
      expect(spec === 'express' || spec.startsWith('express/'), spec).toBe(false);
    }
  });
});
