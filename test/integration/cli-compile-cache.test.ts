// The CLI's bundle with V8's code cache on Node 20 (decision 241): the first command of a build writes the
// cache of the files it loaded, in a folder only the user can read, one per Node version and build; the
// next command is given those caches and V8 accepts them (a refused cache would be written again). The
// first run of another command adds the caches of its own files.
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import module from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, ROOT } from './harness.js';

const run = promisify(execFile);
const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-compile-cache-'));
const env = { ...process.env, XDG_CACHE_HOME: cacheHome };
const mk = (args: string[]) => run(process.execPath, [CLI, ...args], { env, cwd: ROOT });

/** Every file under dir with its mode and mtime. */
function files(dir: string): Map<string, { mode: number; mtimeMs: number }> {
  const out = new Map<string, { mode: number; mtimeMs: number }>();
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const p = path.join(e.parentPath, e.name);
    const st = fs.statSync(p);
    out.set(path.relative(dir, p), { mode: st.mode & 0o777, mtimeMs: st.mtimeMs });
  }
  return out;
}

describe('the CLI bundle\'s code cache on Node 20', () => {
  afterAll(() => fs.rmSync(cacheHome, { recursive: true, force: true }));

  it('is written by the first command of a build (0700 folder, 0600 files) and accepted by the next (Node 20; Node 22.1+ has its own)', async () => {
    expect(fs.existsSync(path.join(ROOT, 'dist/src/cli-bundle/main.cjs')), 'the CLI is bundled (npm run build)').toBe(true);
    const first = await mk(['get', '--help']);
    expect(first.stdout).toContain('Usage: mini-kube get');
    if ((module as { enableCompileCache?: unknown }).enableCompileCache) {
      // Node 22.1+: Node's own compile cache (bin/mini-kube.js turns it on), none of ours
      expect(fs.existsSync(path.join(cacheHome, 'mini-kube'))).toBe(false);
      return;
    }
    const root = path.join(cacheHome, 'mini-kube/compile-cache', `${process.version}-${process.arch}`);
    const builds = fs.readdirSync(root);
    expect(builds).toHaveLength(1);
    const build = path.join(root, builds[0]!);
    expect(fs.statSync(build).mode & 0o777).toBe(0o700);
    const written = files(build);
    expect([...written.keys()]).toContain('main.cjs');
    expect([...written.keys()].some((f) => f.startsWith('api-commands-'))).toBe(true);
    for (const [name, f] of written) expect(f.mode, name).toBe(0o600);

    const second = await mk(['get', '--help']);
    expect(second.stdout).toBe(first.stdout);
    expect(files(build)).toEqual(written);

    // another command loads files more (ws for exec): their caches are added (and the entry's rewritten
    // with what exec ran), then accepted in turn
    await mk(['exec', '--help']);
    const after = files(build);
    expect([...after.keys()]).toEqual(expect.arrayContaining([...written.keys()]));
    expect(after.size).toBeGreaterThan(written.size);
    await mk(['exec', '--help']);
    expect(files(build)).toEqual(after);
  }, 60_000);
});
