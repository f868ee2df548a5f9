// The ServiceAccount admission plugin (kube/service-account.ts), both settings of the volume injection.
import { describe, expect, it } from 'vitest';
import { admitPodServiceAccount, SERVICE_ACCOUNT_MOUNT_PATH } from '../../../src/kube/service-account.js';
import type { Pod, ServiceAccount } from '../../../src/kube/types.js';
import { StatusError } from '../../../src/kube/errors.js';

const accounts: Record<string, ServiceAccount> = {
  'team/default': { metadata: { name: 'default', namespace: 'team' } },
  'team/quiet': { metadata: { name: 'quiet', namespace: 'team' }, automountServiceAccountToken: false },
};
const lookup = (ns: string, name: string) => accounts[`${ns}/${name}`];

function pod(spec: Partial<NonNullable<Pod['spec']>> = {}): Pod {
  return { metadata: { name: 'web', namespace: 'team' }, spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b', image: 'x' }], ...spec } };
}

describe('admitPodServiceAccount', () => {
  it('defaults serviceAccountName (and the deprecated serviceAccount) to default', () => {
    const p = pod();
    admitPodServiceAccount(p, lookup, { injectVolume: false });
    expect(p.spec?.serviceAccountName).toBe('default');
    expect(p.spec?.serviceAccount).toBe('default');
    expect(p.spec?.volumes).toBeUndefined();
  });

  it('takes the deprecated serviceAccount when serviceAccountName is unset', () => {
    const p = pod({ serviceAccount: 'quiet' });
    admitPodServiceAccount(p, lookup);
    expect(p.spec?.serviceAccountName).toBe('quiet');
  });

  it('refuses a pod whose service account does not exist, as the apiserver words it', () => {
    let err: StatusError | undefined;
    try { admitPodServiceAccount(pod({ serviceAccountName: 'builder' }), lookup); } catch (e) { err = e as StatusError; }
    expect(err?.code).toBe(403);
    expect(err?.message).toBe('pods "web" is forbidden: error looking up service account team/builder: serviceaccount "builder" not found');
  });

  it('injects the kube-api-access volume, read-only in every container and init container', () => {
    const p = pod({ initContainers: [{ name: 'init', image: 'x' }] });
    admitPodServiceAccount(p, lookup, { injectVolume: true });
    const v = p.spec!.volumes![0]!;
    expect(v.name).toMatch(/^kube-api-access-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(v.projected?.sources).toEqual([
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
    ]);
    for (const c of [...p.spec!.initContainers!, ...p.spec!.containers]) {
      expect(c.volumeMounts).toEqual([{ name: v.name, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH }]);
    }
  });

  it.each([
    ['the pod says false', pod({ automountServiceAccountToken: false }), false],
    ['the service account says false', pod({ serviceAccountName: 'quiet' }), false],
    ['the pod says true over its service account', pod({ serviceAccountName: 'quiet', automountServiceAccountToken: true }), true],
  ])('automountServiceAccountToken: %s', (_what, p, mounted) => {
    admitPodServiceAccount(p, lookup, { injectVolume: true });
    expect((p.spec?.volumes ?? []).length > 0).toBe(mounted);
  });

  it('leaves a container that mounts something at the path alone', () => {
    const p = pod({ volumes: [{ name: 'mine', emptyDir: {} }] });
    p.spec!.containers[0]!.volumeMounts = [{ name: 'mine', mountPath: SERVICE_ACCOUNT_MOUNT_PATH }];
    admitPodServiceAccount(p, lookup, { injectVolume: true });
    expect(p.spec!.containers[0]!.volumeMounts).toEqual([{ name: 'mine', mountPath: SERVICE_ACCOUNT_MOUNT_PATH }]);
    expect(p.spec!.containers[1]!.volumeMounts?.[0]?.mountPath).toBe(SERVICE_ACCOUNT_MOUNT_PATH);
  });
});
