// YAML syntax errors: the offending line, a caret, and a hint that names the key to line up with.
import { describe, it, expect } from 'vitest';
import { parseManifests, ManifestError } from '../../../src/manifests/index.js';
import { findIndentProblem } from '../../../src/manifests/indentation.js';

function refusal(text: string, source = 'x.yaml'): ManifestError {
  try {
    parseManifests(text, source);
  } catch (e) {
    expect(e).toBeInstanceOf(ManifestError);
    return e as ManifestError;
  }
  throw new Error('accepted');
}

const lines = (s: string) => s.split('\n');

describe('indentation hints', () => {
  it('over-indented key after a list names the enclosing sibling', () => {
    const text = 'spec:\n  containers:\n  - name: web\n    image: nginx\n    ports:\n    - containerPort: 80\n     env: []\n';
    const err = refusal(text);
    expect(err.line).toBe(7);
    expect(err.message).toContain('x.yaml:7:6: YAML syntax error: bad indentation: "env:" is indented 5 spaces');
    expect(err.message).toContain('hint: `env:` should line up with `ports:` on line 5 (4 spaces, not 5)');
  });

  it('over-indented key after a scalar value', () => {
    const err = refusal('metadata:\n  name: web\n   namespace: prod\n');
    expect(err.line).toBe(3);
    expect(err.message).toContain('`namespace:` should line up with `name:` on line 2 (2 spaces, not 3)');
  });

  it('under-indented key picks the nearest sibling column', () => {
    const err = refusal('metadata:\n    name: web\n   labels: {}\n');
    expect(err.line).toBe(3);
    expect(err.message).toContain('`labels:` should line up with `name:` on line 2 (4 spaces, not 3)');
  });

  it('misaligned list item names the dash to line up with', () => {
    const err = refusal('containers:\n  - name: a\n    image: x\n   - name: b\n     image: y\n');
    expect(err.line).toBe(4);
    expect(err.message).toContain('the `-` should line up with the `-` on line 2 (2 spaces, not 3)');
  });

  it('the detector ignores block scalars, comments and flow values', () => {
    const text = [
      'spec:',
      '  script: |',
      '      weird:',
      '    indentation',
      '  # comment at any column',
      '      # another',
      '  args: [a,',
      '     b]',
      '  ports:',
      '  - 80',
      '  tail: x',
    ].join('\n');
    expect(findIndentProblem(lines(text), 1, 11)).toBeUndefined();
  });

  it('the detector accepts a list at its parent key column and keys after it', () => {
    const text = 'containers:\n- name: a\n  ports:\n  - containerPort: 1\n- name: b\nvolumes: []\n';
    expect(findIndentProblem(lines(text), 1, 6)).toBeUndefined();
  });
});

describe('other syntax errors', () => {
  it('tabs get a tab hint', () => {
    const err = refusal('metadata:\n\tname: web\n');
    expect(err.message).toContain('x.yaml:2:1:');
    expect(err.message).toContain('hint: YAML does not allow tabs for indentation; indent with spaces');
  });

  it('a duplicate key is reported as go-yaml reports it', () => {
    const err = refusal('apiVersion: v1\nkind: Pod\nkind: Service\n');
    expect(err.message).toContain('x.yaml:3:1: YAML syntax error: mapping key "kind" already defined at line 2');
  });

  it('an unknown problem still gets the line, a caret and a generic hint', () => {
    const err = refusal('apiVersion: v1\nkind: Pod\nmetadata: {name: a\n');
    expect(err.line).toBeGreaterThanOrEqual(3);
    expect(err.message).toMatch(/x\.yaml:\d+:\d+: YAML syntax error: /);
    expect(err.message).toMatch(/\n\s+\| +\^/);
    expect(err.message).toContain('hint: ');
  });
});

describe('files with several documents', () => {
  const good = 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n';

  it('one bad document means nothing from the file is returned, and every error is listed', () => {
    const text = `${good}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: Bad_Name\nspec:\n  containers: []\n---\n${good.replace('web', 'web2')}---\nkind: NetworkPolicy\n`;
    const err = refusal(text, 'all.yaml');
    expect(err.issues.map((i) => i.line)).toEqual([12, 14, 24]);
    expect(err.message).toContain('all.yaml: 3 errors; nothing from this file was applied');
    expect(err.message).toContain('all.yaml:12:3: Pod "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name"');
    expect(err.message).toContain('all.yaml:14:3: Pod "Bad_Name" is invalid: spec.containers: Required value');
    expect(err.message).toContain('all.yaml:24:1: kind NetworkPolicy is not supported by mini-kube');
  });

  it('a syntax error in one document does not hide errors in the others', () => {
    const text = `metadata:\n  name: a\n   bad: 1\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n`;
    const err = refusal(text);
    expect(err.issues.map((i) => i.line)).toEqual([3, 5]);
    expect(err.issues[1]!.message).toContain('x.yaml:5:1: Pod "p" is invalid: spec.containers: Required value');
  });

  it('skips empty documents and keeps the order and start lines of the others', () => {
    const text = `# leading comment\n---\n${good}---\n---\n# only a comment\n---\n${good.replace('web', 'api')}...\n`;
    const { objects } = parseManifests(text, 'multi.yaml');
    expect(objects.map((o) => [o.object.metadata!.name, o.line, o.source])).toEqual([['web', 3, 'multi.yaml'], ['api', 14, 'multi.yaml']]);
  });

  it('expands kind: List', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n  spec: {ports: [{port: 80}]}\n- apiVersion: v1\n  kind: Service\n  metadata: {name: b}\n  spec: {ports: [{port: 81}]}\n`;
    const { objects } = parseManifests(text, 'list.yaml');
    expect(objects.map((o) => [o.object.metadata!.name, o.line])).toEqual([['a', 4], ['b', 8]]);
  });

  it('reports errors inside a List at the item\'s own line', () => {
    const text = `apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: a}\n  spec:\n    ports:\n    - port: 0\n`;
    const err = refusal(text);
    expect(err.message).toContain('x.yaml:9:7: Service "a" is invalid: spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive');
  });

  it('reads JSON manifests too, with line numbers', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 80, protocol: 'SCTP' }] } }, null, 2);
    const err = refusal(json, 'svc.json');
    expect(err.message).toContain('svc.json:11:9: Service "web" is invalid: spec.ports[0].protocol: Unsupported value: "SCTP"');
  });

  it('an empty file yields nothing', () => {
    expect(parseManifests('', 'empty.yaml')).toEqual({ objects: [], warnings: [] });
    expect(parseManifests('# nothing here\n', 'empty.yaml')).toEqual({ objects: [], warnings: [] });
  });
});
