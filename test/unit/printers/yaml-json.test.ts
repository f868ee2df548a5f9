// `kubectl get -o json|yaml`: sorted keys, no managedFields, List wrapping, Go's escaping and quoting.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../src/store/store.js';
import { toJson, toYaml } from '../../../src/printers/yaml-json.js';

const pod: KubeObject = {
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: {
    name: 'web',
    namespace: 'default',
    labels: { version: '1', app: 'web' },
    annotations: { note: 'ready: yes', enabled: 'true', html: '<none> & more' },
    creationTimestamp: '2024-05-01T11:55:00Z',
    resourceVersion: '42',
    managedFields: [{ manager: 'kubectl', operation: 'Update' }],
  },
  spec: { containers: [{ name: 'app', image: 'busybox', args: ['sh', '-c', 'echo hi\necho bye\n'], ports: [{ containerPort: 80 }] }], tolerations: [] },
  status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null }] },
};

describe('toYaml', () => {
  it('prints keys in order, quotes like go-yaml and leaves sequences unindented', () => {
    expect(toYaml(pod)).toBe(
      'apiVersion: v1\n' +
      'kind: Pod\n' +
      'metadata:\n' +
      '  annotations:\n' +
      '    enabled: "true"\n' +
      '    html: <none> & more\n' +
      "    note: 'ready: yes'\n" +
      '  creationTimestamp: "2024-05-01T11:55:00Z"\n' +
      '  labels:\n' +
      '    app: web\n' +
      '    version: "1"\n' +
      '  name: web\n' +
      '  namespace: default\n' +
      '  resourceVersion: "42"\n' +
      'spec:\n' +
      '  containers:\n' +
      '  - args:\n' +
      '    - sh\n' +
      '    - -c\n' +
      '    - |\n' +
      '      echo hi\n' +
      '      echo bye\n' +
      '    image: busybox\n' +
      '    name: app\n' +
      '    ports:\n' +
      '    - containerPort: 80\n' +
      '  tolerations: []\n' +
      'status:\n' +
      '  conditions:\n' +
      '  - lastProbeTime: null\n' +
      '    status: "True"\n' +
      '    type: Ready\n' +
      '  phase: Running\n',
    );
  });

  it('wraps an array in a v1 List', () => {
    expect(toYaml([])).toBe('apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n');
    expect(toYaml([pod]).startsWith('apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n')).toBe(true);
    expect(toYaml([pod])).not.toContain('managedFields');
  });

  it('double-quotes every string YAML 1.1 would read as another type', () => {
    const out = toYaml({ apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'yes', b: 'off', c: '0x1F', d: '1e3', e: '1:20', f: '~', g: '', h: 'hello' } });
    expect(out).toContain('  a: "yes"\n  b: "off"\n  c: "0x1F"\n  d: "1e3"\n  e: "1:20"\n  f: "~"\n  g: ""\n  h: hello\n');
  });
});

describe('toJson', () => {
  it('indents with four spaces, sorts keys and escapes HTML characters as Go does', () => {
    const out = toJson({ kind: 'Pod', apiVersion: 'v1', metadata: { name: 'x', annotations: { html: '<a&b>' }, managedFields: [] }, spec: {} });
    expect(out).toBe(
      '{\n' +
      '    "apiVersion": "v1",\n' +
      '    "kind": "Pod",\n' +
      '    "metadata": {\n' +
      '        "annotations": {\n' +
      '            "html": "\\u003ca\\u0026b\\u003e"\n' +
      '        },\n' +
      '        "name": "x"\n' +
      '    },\n' +
      '    "spec": {}\n' +
      '}\n',
    );
  });

  it('wraps an array in a v1 List', () => {
    expect(toJson([])).toBe('{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
  });

  it('escapes control characters as \\u00XX', () => {
    expect(toJson({ kind: 'X', v: 'a\u0001b\tc' } as KubeObject)).toContain('"v": "a\\u0001b\\tc"');
  });
});
