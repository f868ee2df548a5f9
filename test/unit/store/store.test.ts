import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store, type WatchEvent } from '../../../src/store/store.js';
import { StatusError } from '../../../src/kube/errors.js';

const pod = (name: string) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: 'default' }, spec: { containers: [] } });

describe('store', () => {
  it('assigns uid, creationTimestamp and a growing resourceVersion', () => {
    const s = new Store();
    const a = s.create(pod('a'));
    const b = s.create(pod('b'));
    expect(a.metadata.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(s.list('Pod').map((p) => p.metadata.name)).toEqual(['a', 'b']);
  });

  it('refuses a duplicate create with 409 AlreadyExists', () => {
    const s = new Store();
    s.create(pod('a'));
    try {
      s.create(pod('a'));
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(StatusError);
      expect((err as StatusError).code).toBe(409);
      expect((err as StatusError).message).toBe('pods "a" already exists');
    }
  });

  it('refuses an update carrying a stale resourceVersion (no lost update)', () => {
    const s = new Store();
    const a = s.create(pod('a'));
    s.update({ ...a, metadata: { ...a.metadata, labels: { x: '1' } } });
    expect(() => s.update({ ...a, metadata: { ...a.metadata, labels: { x: '2' } } })).toThrow(/the object has been modified/);
  });

  it('replays watch events after a resourceVersion and answers 410 for too old ones', () => {
    const s = new Store();
    const a = s.create(pod('a'));
    s.create(pod('b'));
    const seen: WatchEvent[] = [];
    s.watch({ kind: 'Pod', resourceVersion: Number(a.metadata.resourceVersion) }, (e) => seen.push(e));
    expect(seen.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b']);
    s.delete('Pod', 'default', 'a');
    expect(seen.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b', 'DELETED a']);
    for (let i = 0; i < 2100; i++) s.create({ ...pod(`p${i}`) });
    expect(() => s.watch({ kind: 'Pod', resourceVersion: 1 }, () => {})).toThrow(/too old resource version/);
  });

  it('keeps objects on disk and loads them back, events excepted', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-store-'));
    const s1 = new Store(dir);
    const a = s1.create(pod('a'));
    s1.create({ apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: 'default' }, reason: 'X' });
    const s2 = new Store(dir);
    expect(s2.get('Pod', 'default', 'a')?.metadata.uid).toBe(a.metadata.uid);
    expect(s2.list('Event')).toEqual([]);
    expect(s2.resourceVersion).toBeGreaterThanOrEqual(Number(a.metadata.resourceVersion));
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
