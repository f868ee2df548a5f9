// TCP handler (pkg/probe/tcp/tcp.go): connect within timeoutSeconds, close at once, exchange nothing.
import { Deadline, DialError, dialTcp } from './dial.js';
import type { DialTarget, ProbeOutcome, Target } from './types.js';

export interface TcpProbeRequest {
  /** tcpSocket.host or the pod IP, and the resolved port */
  address: Target;
  /** where to connect instead, e.g. a published port (in-pod-network.ts) */
  connectTo?: DialTarget;
  timeoutMs: number;
  proxySettleMs?: number;
}

export async function probeTcp(req: TcpProbeRequest): Promise<ProbeOutcome> {
  const deadline = new Deadline(req.timeoutMs);
  try {
    const socket = await dialTcp({ ...req, deadline });
    socket.destroy();
    return { result: 'success', output: '' };
  } catch (err) {
    // Go: `return probe.Failure, err.Error(), nil`, e.g. `dial tcp 10.1.2.3:81: connect: connection refused`.
    if (err instanceof DialError) return { result: 'failure', output: err.message };
    throw err;
  } finally {
    deadline.dispose();
  }
}
