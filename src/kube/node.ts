// The one node: its name is written here only (multi-node is a later issue). Pods show it in
// spec.nodeName, events in source.host, endpoints in nodeName; the kubelet registers a Node of this name.
export const NODE_NAME = 'mini-kube';

/** The labels the kubelet puts on its Node (kubelet_node_status.go initialNode, plus kubeadm's role). */
export function nodeLabels(name: string, os: string, arch: string): Record<string, string> {
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': os,
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': name,
    'kubernetes.io/os': os,
    'node-role.kubernetes.io/control-plane': '',
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
