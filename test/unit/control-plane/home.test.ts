import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig, secureHome } from '../../../src/control-plane/home.js';

const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-home-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); });
const mode = (p: string) => (fs.statSync(p).mode & 0o777).toString(8);

describe('home modes', () => {
  it('makes a new home 0700 with its config 0600', () => {
    const home = path.join(tmp(), 'home');
    loadConfig(home);
    expect(mode(home)).toBe('700');
    expect(mode(path.join(home, 'config.json'))).toBe('600');
  });

  it('tightens a home an older version left 0755 with 0644 files', () => {
    const home = tmp();
    loadConfig(home);
    fs.mkdirSync(path.join(home, 'store'), { mode: 0o755 });
    fs.writeFileSync(path.join(home, 'token'), 't', { mode: 0o644 });
    fs.chmodSync(home, 0o755);
    fs.chmodSync(path.join(home, 'config.json'), 0o644);
    secureHome(home);
    expect([mode(home), mode(path.join(home, 'store')), mode(path.join(home, 'token')), mode(path.join(home, 'config.json'))]).toEqual(['700', '700', '600', '600']);
  });

  it('leaves the mode of a shared directory alone (MINI_KUBE_HOME=/tmp by mistake), on every start', () => {
    const dir = tmp();
    fs.chmodSync(dir, 0o1777);
    loadConfig(dir);
    loadConfig(dir);
    expect((fs.statSync(dir).mode & 0o7777).toString(8)).toBe('1777');
    expect(mode(path.join(dir, 'config.json'))).toBe('600');
    const other = tmp();
    fs.chmodSync(other, 0o755);
    fs.writeFileSync(path.join(other, 'notes.txt'), 'x', { mode: 0o644 });
    secureHome(other);
    expect(mode(other)).toBe('755');
    expect(mode(path.join(other, 'notes.txt'))).toBe('644');
  });
});
