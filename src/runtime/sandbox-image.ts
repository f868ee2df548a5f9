// The pod sandbox image: what holds a pod's network namespace and IP while its containers come and go (the
// kubelet's "pause" container). Built offline like the sample image, by `docker import` of a root
// filesystem made in-process: only the machine's busybox (static on Debian's busybox-static, ~2 MB) and no
// registry. The container runs `busybox sleep` under the engine's docker-init (HostConfig.Init), which is
// PID 1, reaps zombies and forwards SIGTERM: no node process per pod (docs/decisions/110).
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type Docker from 'dockerode';
import { isNotFound } from './engine-errors.js';
import { readProgress } from './json-lines.js';
import { findBusybox, sharedLibraries, splitTag } from './sample-image.js';
import { tarStream, type TarEntry } from './tar-writer.js';

/** a tag of our own: never pulled, always built here; bump it when the image's contents change */
export const SANDBOX_IMAGE = 'mini-kube/pause:1';
export const LABEL_SANDBOX_IMAGE = 'io.mini-kube.sandbox-image';
/** about 68 years: busybox sleep takes seconds as a 32-bit signed number everywhere */
const SLEEP_SECONDS = '2147483647';
const BUILD_TIMEOUT_MS = 60_000;

// Concurrent pods of one process share one build instead of racing to tag the same name.
const inFlight = new Map<Docker, Promise<string>>();

/** Makes SANDBOX_IMAGE exist on the engine (an inspect when it does); returns its reference. */
export function ensureSandboxImage(docker: Docker): Promise<string> {
  let pending = inFlight.get(docker);
  if (!pending) {
    pending = ensure(docker).finally(() => inFlight.delete(docker));
    inFlight.set(docker, pending);
  }
  return pending;
}

async function ensure(docker: Docker): Promise<string> {
  try {
    await docker.getImage(SANDBOX_IMAGE).inspect();
    return SANDBOX_IMAGE;
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
  const busybox = await findBusybox();
  const entries: TarEntry[] = [];
  const dirs = new Set<string>();
  const addDir = (dir: string): void => {
    if (dir === '/' || dirs.has(dir)) return;
    addDir(path.posix.dirname(dir));
    dirs.add(dir);
    entries.push({ type: 'directory', name: dir, mode: 0o755 });
  };
  const addHostFile = async (target: string, source: string): Promise<void> => {
    addDir(path.posix.dirname(target));
    const real = await realpath(source);
    entries.push({ type: 'file', name: target, sourcePath: real, size: (await stat(real)).size, mode: 0o755 });
  };
  await addHostFile('/bin/busybox', busybox);
  // a dynamically linked busybox (no busybox-static) brings its libraries; a static one brings none
  for (const lib of await sharedLibraries(busybox)) await addHostFile(lib, lib);
  const [repo, tag] = splitTag(SANDBOX_IMAGE);
  const stream = await docker.importImage(tarStream(entries), {
    repo,
    tag,
    changes: [`LABEL ${LABEL_SANDBOX_IMAGE}=true`, `CMD ["/bin/busybox", "sleep", "${SLEEP_SECONDS}"]`],
    abortSignal: AbortSignal.timeout(BUILD_TIMEOUT_MS),
  });
  const outcome = await readProgress(stream);
  if (outcome.error !== undefined) throw new Error(`building the pod sandbox image ${SANDBOX_IMAGE} failed: ${outcome.error}`);
  return SANDBOX_IMAGE;
}
