// The Service variables of the kubelet's envvars.go, as a table, and how containerEnv merges them.
import { describe, expect, it } from 'vitest';
import { serviceEnvMap, serviceEnvVars } from '../../../src/kube/service-env.js';
import { containerEnv } from '../../../src/kubelet/env.js';
import type { Container, Pod, Service } from '../../../src/kube/types.js';

const svc = (namespace: string, name: string, clusterIP: string, ports: Record<string, unknown>[]): Service =>
  ({ metadata: { namespace, name }, spec: { clusterIP, ports } }) as unknown as Service;
const pod = (namespace: string, enableServiceLinks?: boolean): Pod =>
  ({ metadata: { namespace, name: 'p' }, spec: { containers: [], ...(enableServiceLinks === undefined ? {} : { enableServiceLinks }) } }) as unknown as Pod;

const services = [
  svc('default', 'kubernetes', '172.18.128.1', [{ name: 'https', port: 443, protocol: 'TCP' }]),
  svc('shop', 'web-front', '172.18.128.2', [{ name: 'http', port: 80 }, { name: 'dns', port: 53, protocol: 'UDP' }]),
  svc('shop', 'headless', 'None', [{ port: 80 }]),
  svc('other', 'db', '172.18.128.3', [{ port: 5432 }]),
];

describe('serviceEnvVars (envvars.FromServices)', () => {
  it('gives SERVICE_HOST/PORT, named ports and the docker-links variables of every port', () => {
    expect(Object.fromEntries(serviceEnvVars(services[1]!).map((e) => [e.name, e.value]))).toEqual({
      WEB_FRONT_SERVICE_HOST: '172.18.128.2',
      WEB_FRONT_SERVICE_PORT: '80',
      WEB_FRONT_SERVICE_PORT_HTTP: '80',
      WEB_FRONT_SERVICE_PORT_DNS: '53',
      WEB_FRONT_PORT: 'tcp://172.18.128.2:80',
      WEB_FRONT_PORT_80_TCP: 'tcp://172.18.128.2:80',
      WEB_FRONT_PORT_80_TCP_PROTO: 'tcp',
      WEB_FRONT_PORT_80_TCP_PORT: '80',
      WEB_FRONT_PORT_80_TCP_ADDR: '172.18.128.2',
      WEB_FRONT_PORT_53_UDP: 'udp://172.18.128.2:53',
      WEB_FRONT_PORT_53_UDP_PROTO: 'udp',
      WEB_FRONT_PORT_53_UDP_PORT: '53',
      WEB_FRONT_PORT_53_UDP_ADDR: '172.18.128.2',
    });
  });
  it('gives nothing for a headless Service', () => {
    expect(serviceEnvVars(services[2]!)).toEqual([]);
  });
});

describe('serviceEnvMap (getServiceEnvVarMap)', () => {
  const names = (p: Pod, list = services) => [...serviceEnvMap(p, list).keys()].filter((k) => k.endsWith('_SERVICE_HOST')).sort();
  it.each([
    ['the namespace\'s Services and kubernetes', pod('shop'), ['KUBERNETES_SERVICE_HOST', 'WEB_FRONT_SERVICE_HOST']],
    ['enableServiceLinks: false keeps only kubernetes', pod('shop', false), ['KUBERNETES_SERVICE_HOST']],
    ['another namespace sees none of shop\'s', pod('other'), ['DB_SERVICE_HOST', 'KUBERNETES_SERVICE_HOST']],
  ])('%s', (_t, p, expected) => {
    expect(names(p)).toEqual(expected);
  });
  it('a kubernetes Service of the pod\'s own namespace takes the place of default\'s', () => {
    const mine = svc('shop', 'kubernetes', '172.18.128.9', [{ port: 8443 }]);
    expect(serviceEnvMap(pod('shop'), [...services, mine]).get('KUBERNETES_SERVICE_HOST')).toBe('172.18.128.9');
  });
});

describe('containerEnv with Services', () => {
  const source = { configMap: () => undefined, secret: () => undefined, services: () => services };
  const envOf = (c: Partial<Container>, p = pod('shop')) => {
    const r = containerEnv(p, { name: 'c', ...c } as Container, source);
    if (!r.ok) throw new Error(r.message);
    return r.env;
  };
  it('the container\'s own variables win and may expand $(SERVICE_VARS); Service variables come last', () => {
    const env = envOf({ env: [{ name: 'WEB_FRONT_SERVICE_PORT', value: 'mine' }, { name: 'URL', value: 'http://$(WEB_FRONT_SERVICE_HOST)/' }] });
    expect(env[0]).toEqual({ name: 'WEB_FRONT_SERVICE_PORT', value: 'mine' });
    expect(env[1]).toEqual({ name: 'URL', value: 'http://172.18.128.2/' });
    expect(env.filter((e) => e.name === 'WEB_FRONT_SERVICE_PORT')).toHaveLength(1);
    expect(env.find((e) => e.name === 'KUBERNETES_PORT_443_TCP')?.value).toBe('tcp://172.18.128.1:443');
  });
});
