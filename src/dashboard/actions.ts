// What a teacher can do from the page. Each action goes through the API with its token, exactly as
// `mini-kube delete/exec/scale` would, so admission, graceful deletion and events are the usual ones.
// The commands run in pods are the tutorial's two, not arbitrary ones: the page is no remote shell.
import type { ApiClient } from '../client/api-client.js';

export type Action =
  | { action: 'delete'; namespace: string; pod: string }
  | { action: 'exec'; namespace: string; pod: string; command: 'rm' | 'touch' }
  | { action: 'scale'; namespace: string; deployment: string; replicas: number };

const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Checks a request body; a message for the teacher when it is not an action. */
export function parseAction(body: unknown): Action | string {
  const b = (body ?? {}) as Record<string, unknown>;
  const ns = typeof b['namespace'] === 'string' ? b['namespace'] : 'default';
  if (!NAME.test(ns)) return 'bad namespace';
  if (b['action'] === 'delete' || b['action'] === 'exec') {
    const pod = b['pod'];
    if (typeof pod !== 'string' || !NAME.test(pod)) return 'bad pod name';
    if (b['action'] === 'delete') return { action: 'delete', namespace: ns, pod };
    if (b['command'] !== 'rm' && b['command'] !== 'touch') return 'command must be rm or touch';
    return { action: 'exec', namespace: ns, pod, command: b['command'] };
  }
  if (b['action'] === 'scale') {
    const d = b['deployment'];
    const r = b['replicas'];
    if (typeof d !== 'string' || !NAME.test(d)) return 'bad deployment name';
    if (typeof r !== 'number' || !Number.isInteger(r) || r < 0 || r > 20) return 'replicas must be 0..20';
    return { action: 'scale', namespace: ns, deployment: d, replicas: r };
  }
  return 'unknown action';
}

/** Runs it; returns the command line a student would type for the same thing (shown on the page). */
export async function runAction(client: ApiClient, a: Action): Promise<string> {
  switch (a.action) {
    case 'delete':
      await client.delete('Pod', a.namespace, a.pod);
      return `mini-kube delete pod ${a.pod}`;
    case 'exec': {
      const command = a.command === 'rm' ? ['rm', '-f', '/tmp/healthcheck'] : ['touch', '/tmp/healthcheck'];
      let stderr = '';
      // the exec client (ws) loads with the first button press: an idle control plane does not hold it
      const { execInPod } = await import('../client/exec.js');
      const code = await execInPod(client, { namespace: a.namespace, pod: a.pod, command, stdin: false, tty: false },
        { stdout: () => {}, stderr: (c) => { stderr += c.toString(); } });
      if (code !== 0) throw new Error(`${command.join(' ')} exited with ${code}: ${stderr.trim()}`);
      return `mini-kube exec ${a.pod} -- ${command.join(' ')}`;
    }
    case 'scale':
      await client.patch('Deployment', a.namespace, a.deployment, { spec: { replicas: a.replicas } });
      return `mini-kube scale deployment ${a.deployment} --replicas ${a.replicas}`;
  }
}
