// The nodes' names: the first (and, by default, only) node is NODE_NAME; `up --nodes N` adds
// mini-kube-m02, mini-kube-m03, ... (minikube's scheme for its extra nodes).
export const NODE_NAME = 'mini-kube';

/** The names of a cluster of `count` nodes, the first being NODE_NAME. */
export function nodeNames(count: number): string[] {
  return Array.from({ length: Math.max(1, count) }, (_, i) => (i === 0 ? NODE_NAME : `${NODE_NAME}-m${String(i + 1).padStart(2, '0')}`));
}

/** The labels the kubelet puts on its Node (kubelet_node_status.go initialNode, plus kubeadm's role on the first). */
export function nodeLabels(name: string, os: string, arch: string, controlPlane = true): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': os,
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': os,
    ...(controlPlane ? { 'node-role.kubernetes.io/control-plane': '' } : {}),
  };
}

/** Go's GOARCH for Node's process.arch: what kubernetes.io/arch says. */
export function goArch(arch: string = process.arch): string {
  switch (arch) {
    case 'x64': return 'amd64';
    case 'ia32': return '386';
    case 'x86_64': return 'amd64';
    case 'aarch64': return 'arm64';
    default: return arch;
  }
}
