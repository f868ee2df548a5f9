// The environment a container gets: `env` values with $(VAR) references expanded against the variables
// defined before them, and the downward-API fields that make sense on one machine (fieldRef).
// Secrets and ConfigMaps do not exist in mini-kube; such references are left out (describe shows them).
import type { Container, Pod } from '../kube/types.js';

export function expandVars(value: string, vars: Map<string, string>): string {
  // $$ escapes a literal $; an unknown $(VAR) stays as written, as Kubernetes does.
  return value.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name: string | undefined) => {
    if (m === '$$') return '$';
    return vars.has(name!) ? vars.get(name!)! : m;
  });
}

function fieldRefValue(pod: Pod, fieldPath: string): string | undefined {
  switch (fieldPath) {
    case 'metadata.name': return pod.metadata?.name;
    case 'metadata.namespace': return pod.metadata?.namespace ?? 'default';
    case 'metadata.uid': return pod.metadata?.uid;
    case 'spec.nodeName': return pod.spec?.nodeName ?? 'mini-kube';
    case 'spec.serviceAccountName': return pod.spec?.serviceAccountName ?? 'default';
    case 'status.hostIP': return '127.0.0.1';
    default: {
      const m = fieldPath.match(/^metadata\.(labels|annotations)\['(.+)'\]$/);
      if (m) return (m[1] === 'labels' ? pod.metadata?.labels : pod.metadata?.annotations)?.[m[2]!];
      return undefined;
    }
  }
}

export function staticEnv(pod: Pod, c: Container): { name: string; value: string }[] {
  const vars = new Map<string, string>();
  for (const e of c.env ?? []) {
    if (e.value !== undefined) vars.set(e.name, expandVars(e.value, vars));
    else if (e.valueFrom?.fieldRef) {
      const v = fieldRefValue(pod, e.valueFrom.fieldRef.fieldPath);
      if (v !== undefined) vars.set(e.name, v);
    } else if (e.value === undefined && !e.valueFrom) vars.set(e.name, '');
  }
  return [...vars].map(([name, value]) => ({ name, value }));
}
