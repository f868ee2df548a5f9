// Stopping (SIGTERM, then SIGKILL after the grace period) and removing a set of containers, as `down`,
// a deleted pod and orphan clean-up all need. Best effort: a container already gone is fine.
import type { ContainerInfo, Runtime } from './runtime.js';

export async function removeContainers(
  runtime: Pick<Runtime, 'stopContainer' | 'removeContainer'>, containers: ContainerInfo[], graceSeconds: number,
): Promise<void> {
  await Promise.all(containers.map(async (c) => {
    if (c.running) await runtime.stopContainer(c.id, graceSeconds).catch(() => {});
    await runtime.removeContainer(c.id).catch(() => {});
  }));
}
