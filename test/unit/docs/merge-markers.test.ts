// No file under version control keeps a merge's conflict markers: docs/services.md carried a whole
// unresolved conflict (both halves and the markers) for a stop before anyone noticed.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const MARKER = /^(<{7} |>{7} |={7}$)/m;

function trackedTextFiles(): string[] {
  const files = execFileSync('git', ['ls-files', '-z'], { cwd: ROOT, encoding: 'utf8' }).split('\0').filter(Boolean);
  return files.filter((f) => /\.(md|ts|mts|js|mjs|cjs|json|ya?ml|sh|html|css)$/.test(f) && fs.existsSync(path.join(ROOT, f)));
}

describe('merge conflict markers', () => {
  it('are in no tracked text file', () => {
    const files = trackedTextFiles();
    expect(files.length).toBeGreaterThan(100);
    const marked = files.filter((f) => MARKER.test(fs.readFileSync(path.join(ROOT, f), 'utf8')));
    expect(marked).toEqual([]);
  });

  it('are recognised in a file that has them', () => {
    expect(MARKER.test('a\n<<<<<<< HEAD\nb\n=======\nc\n>>>>>>> branch\n')).toBe(true);
    expect(MARKER.test('a heading\n=======\n')).toBe(true);
    expect(MARKER.test('a == b and <<< shifts')).toBe(false);
  });
});
