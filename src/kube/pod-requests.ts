// What a pod asks of a node (resourcehelper.PodRequests): the sum of its app containers' and sidecars'
// requests, or the largest init container's (with the sidecars started before it) when that is more.
// The scheduler's NodeResourcesFit reads it; cpu in millicores, memory and ephemeral-storage in bytes.
import { parseQuantity } from './quantity.js';
import type { Container, Pod } from './types.js';

export interface Requests {
  milliCpu: number;
  memory: number;
  ephemeralStorage: number;
}

/** Used for scoring only when a container requests nothing (schedutil.DefaultMilliCPURequest, DefaultMemoryRequest). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

function containerRequests(c: Container, nonZero: boolean): Requests {
  const r = c.resources?.requests ?? {};
  const cpu = r['cpu'] !== undefined ? Math.ceil((parseQuantity(r['cpu']) ?? 0) * 1000) : undefined;
  const memory = r['memory'] !== undefined ? Math.ceil(parseQuantity(r['memory']) ?? 0) : undefined;
  return {
    milliCpu: cpu ?? (nonZero ? DEFAULT_MILLI_CPU_REQUEST : 0),
    memory: memory ?? (nonZero ? DEFAULT_MEMORY_REQUEST : 0),
    ephemeralStorage: Math.ceil(parseQuantity(r['ephemeral-storage'] ?? 0) ?? 0),
  };
}

const add = (a: Requests, b: Requests): Requests => ({ milliCpu: a.milliCpu + b.milliCpu, memory: a.memory + b.memory, ephemeralStorage: a.ephemeralStorage + b.ephemeralStorage });
const max = (a: Requests, b: Requests): Requests => ({ milliCpu: Math.max(a.milliCpu, b.milliCpu), memory: Math.max(a.memory, b.memory), ephemeralStorage: Math.max(a.ephemeralStorage, b.ephemeralStorage) });
export const ZERO: Requests = { milliCpu: 0, memory: 0, ephemeralStorage: 0 };

/** The pod's requests; nonZero: containers that request nothing count the defaults above (for scores). */
export function podRequests(pod: Pod, nonZero = false): Requests {
  let total = ZERO;
  let sidecars = ZERO;
  let initMax = ZERO;
  for (const c of pod.spec?.initContainers ?? []) {
    const r = containerRequests(c, nonZero);
    if (c.restartPolicy === 'Always') {
      sidecars = add(sidecars, r);
      initMax = max(initMax, sidecars);
    } else {
      initMax = max(initMax, add(r, sidecars));
    }
  }
  for (const c of pod.spec?.containers ?? []) total = add(total, containerRequests(c, nonZero));
  return max(add(total, sidecars), initMax);
}
