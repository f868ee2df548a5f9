// The effective security context and the runAsNonRoot check (src/kubelet/security-context.ts).
import { describe, expect, it } from 'vitest';
import { containerSecurity, needsImageUser, verifyRunAsNonRoot } from '../../../src/kubelet/security-context.js';
import type { Container, Pod, PodSpec } from '../../../src/kube/types.js';

const pod = (psc: PodSpec['securityContext'], sc: Container['securityContext'] = undefined): [Pod, Container] => {
  const c: Container = { name: 'app', image: 'x', ...(sc ? { securityContext: sc } : {}) };
  return [{ metadata: { name: 'p', namespace: 'default', uid: 'u1' }, spec: { containers: [c], securityContext: psc } }, c];
};

describe('containerSecurity', () => {
  it('the pod level defaults the container level', () => {
    expect(containerSecurity(...pod({ runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000 }), '').user).toBe('1000:3000');
    expect(containerSecurity(...pod({ runAsUser: 1000 }, { runAsUser: 1001 }), '').user).toBe('1001');
  });
  it('fsGroup and supplementalGroups are supplementary groups', () => {
    expect(containerSecurity(...pod({ fsGroup: 2000, supplementalGroups: [4000, 2000] }), '').groupAdd).toEqual(['4000', '2000']);
  });
  it('runAsGroup alone keeps the image user', () => {
    expect(containerSecurity(...pod({ runAsGroup: 5 }), 'node').user).toBe('node:5');
    expect(containerSecurity(...pod({ runAsGroup: 5 }), '').user).toBe('0:5');
    expect(needsImageUser(...pod({ runAsGroup: 5 }))).toBe(true);
    expect(needsImageUser(...pod({ runAsGroup: 5, runAsUser: 1 }))).toBe(false);
  });
  it('container settings', () => {
    expect(containerSecurity(...pod({}, { readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } }), ''))
      .toEqual({ readOnlyRootfs: true, noNewPrivileges: true, capDrop: ['ALL'] });
    expect(containerSecurity(...pod({}, { allowPrivilegeEscalation: true }), '')).toEqual({});
  });
});

describe('verifyRunAsNonRoot', () => {
  it.each([
    ['an image without USER', {}, '', 'container has runAsNonRoot and image will run as root (pod: "p_default(u1)", container: app)'],
    ['an image with USER 0', {}, '0:0', 'container has runAsNonRoot and image will run as root (pod: "p_default(u1)", container: app)'],
    ['a named image user', {}, 'node', 'container has runAsNonRoot and image has non-numeric user (node), cannot verify user is non-root (pod: "p_default(u1)", container: app)'],
    ['runAsUser 0', { runAsUser: 0 }, '1000', 'container\'s runAsUser breaks non-root policy (pod: "p_default(u1)", container: app)'],
    ['an image with USER 1000', {}, '1000', undefined],
    ['runAsUser 1000 on a root image', { runAsUser: 1000 }, '', undefined],
  ])('%s', (_what, extra, imageUser, expected) => {
    expect(verifyRunAsNonRoot(...pod({ runAsNonRoot: true, ...extra }), imageUser)).toBe(expected);
  });
  it('does nothing without runAsNonRoot, or when the container turns it off', () => {
    expect(verifyRunAsNonRoot(...pod({}), '')).toBeUndefined();
    expect(verifyRunAsNonRoot(...pod({ runAsNonRoot: true }, { runAsNonRoot: false }), '')).toBeUndefined();
  });
});
