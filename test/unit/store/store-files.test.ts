// The store's files: a name for every name the API accepts, modes only the owner can read, objects no
// larger than etcd would keep, and a start that survives files it cannot use.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MAX_OBJECT_BYTES, Store, storeFileName } from '../../../src/store/store.js';
import { StatusError } from '../../../src/kube/errors.js';

const dirs: string[] = [];
const tmp = () => { const d = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-store-')); dirs.push(d); return d; };
afterEach(() => { for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true }); vi.restoreAllMocks(); });

const deployment = (name: string, extra: Record<string, unknown> = {}) => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default' }, spec: { replicas: 1, ...extra } });

describe('store files', () => {
  it('keeps short names readable and hashes long ones into a name the file system takes', () => {
    expect(storeFileName('default', 'web')).toBe('default_web.json');
    expect(storeFileName(undefined, 'default')).toBe('_cluster_default.json');
    const a = storeFileName('a'.repeat(63), `x${'a'.repeat(252)}`);
    const b = storeFileName('a'.repeat(63), `y${'a'.repeat(252)}`);
    expect(Buffer.byteLength(a)).toBeLessThanOrEqual(140);
    expect(a).not.toBe(b);
    // a name no validation would pass still stays one file in its directory
    expect(storeFileName('default', '../../etc/passwd')).toMatch(/^default_\.\.-\.\.-etc-passwd~[0-9a-f]{32}\.json$/);
  });

  it('writes, reloads and deletes an object with a 253-character name, files 0600 in 0700 directories', () => {
    const dir = tmp();
    const name = `d${'a'.repeat(251)}d`;
    new Store(dir, { fsync: false }).create(deployment(name));
    const files = fs.readdirSync(path.join(dir, 'deployments'));
    expect(files).toHaveLength(1);
    expect((fs.statSync(path.join(dir, 'deployments', files[0]!)).mode & 0o777).toString(8)).toBe('600');
    expect((fs.statSync(path.join(dir, 'deployments')).mode & 0o777).toString(8)).toBe('700');
    const again = new Store(dir, { fsync: false });
    expect(again.get('Deployment', 'default', name)?.metadata.name).toBe(name);
    again.delete('Deployment', 'default', name);
    expect(fs.readdirSync(path.join(dir, 'deployments'))).toEqual([]);
  });

  it('refuses an object larger than etcd keeps with 413, before anything is written or seen', () => {
    const dir = tmp();
    const s = new Store(dir, { fsync: false });
    const seen: string[] = [];
    s.watch({ kind: 'Deployment' }, (e) => seen.push(e.object.metadata.name));
    const big = deployment('big', { paused: false, template: { metadata: { annotations: { a: 'x'.repeat(MAX_OBJECT_BYTES) } } } });
    try {
      s.create(big);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(StatusError);
      expect((err as StatusError).code).toBe(413);
      expect((err as StatusError).message).toMatch(/^etcdserver: request is too large: deployments\.apps "big" would take \d+ bytes, more than the 1572864 an object may have/);
    }
    expect(s.get('Deployment', 'default', 'big')).toBeUndefined();
    expect(seen).toEqual([]);
    expect(fs.existsSync(path.join(dir, 'deployments'))).toBe(false);
  });

  it('starts past files it cannot use, naming each, and tightens loose modes', () => {
    const dir = tmp();
    new Store(dir, { fsync: false }).create(deployment('good'));
    const sub = path.join(dir, 'deployments');
    fs.writeFileSync(path.join(sub, 'default_junk.json'), '{"kind":');
    fs.writeFileSync(path.join(sub, 'default_nometa.json'), '{"kind":"Deployment","apiVersion":"apps/v1"}');
    fs.writeFileSync(path.join(sub, 'default_other.json'), '{"kind":"ConfigMapLike","metadata":{"name":"x"}}');
    fs.writeFileSync(path.join(sub, 'default_huge.json'), Buffer.alloc(MAX_OBJECT_BYTES + 1, 0x20));
    fs.chmodSync(dir, 0o755);
    fs.chmodSync(path.join(sub, 'default_good.json'), 0o644);
    const errors: string[] = [];
    vi.spyOn(console, 'error').mockImplementation((line: string) => { errors.push(line); });
    const s = new Store(dir, { fsync: false });
    expect(s.list('Deployment').map((d) => d.metadata.name)).toEqual(['good']);
    expect(errors.join('\n')).toMatch(/store: skipping deployments\/default_junk\.json: .*JSON/);
    expect(errors.join('\n')).toContain('store: skipping deployments/default_nometa.json: no metadata.name');
    expect(errors.join('\n')).toContain('store: skipping deployments/default_other.json: kind "ConfigMapLike" is not served by this mini-kube');
    expect(errors.join('\n')).toContain(`store: skipping deployments/default_huge.json: ${MAX_OBJECT_BYTES + 1} bytes`);
    expect((fs.statSync(dir).mode & 0o777).toString(8)).toBe('700');
    expect((fs.statSync(path.join(sub, 'default_good.json')).mode & 0o777).toString(8)).toBe('600');
  });

  it('keeps a subscriber that throws on the objects it is given from failing the subscription or the write', () => {
    const s = new Store();
    s.create(deployment('a'));
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const seen: string[] = [];
    expect(() => s.watch({}, (e) => { seen.push(e.object.metadata.name); throw new Error('odd object'); })).not.toThrow();
    expect(() => s.create(deployment('b'))).not.toThrow();
    expect(seen).toEqual(['a', 'b']);
  });
});
