// imagePullPolicy as the kubelet's image manager applies it, with one deliberate difference: a local tool
// must work offline, so `Always` falls back to the local image (with a Warning event) when no registry
// answers. A missing image gives ErrImagePull, then ImagePullBackOff with the image back-off. An image string
// Docker cannot parse gives InvalidImageName before any engine call, as the kubelet's applyDefaultImageTag
// (pod-actions.ts decides that first and never asks for a start; this check is the last line).
import { imageReferenceError, invalidImageNameMessage } from '../kube/image-reference.js';
import type { Container, Pod } from '../kube/types.js';
import type { Runtime } from '../runtime/runtime.js';
import { Backoff } from './backoff.js';

export type ImageResult =
  | { ok: true }
  | { ok: false; reason: 'ErrImagePull' | 'ImagePullBackOff' | 'ErrImageNeverPull' | 'InvalidImageName'; message: string };

export type ImageEventSink = (type: 'Normal' | 'Warning', reason: string, message: string) => void;

/** After a failed pull, do not ask the registry again for this long when the image is local anyway. */
const OFFLINE_MEMORY_MS = 60_000;

export class ImageManager {
  private readonly backoff = new Backoff();
  private readonly lastPullFailure = new Map<string, { at: number; message: string }>();
  private readonly lastErrors = new Map<string, { at: number; message: string }>();
  /** pod uid + image strings already reported as InvalidImageName: the events once, not on every sync */
  private readonly reportedInvalid = new Set<string>();

  constructor(private readonly runtime: Runtime) {}

  async ensure(pod: Pod, container: Container, event: ImageEventSink): Promise<ImageResult> {
    const image = container.image!;
    const policy = container.imagePullPolicy ?? 'IfNotPresent';
    const key = `${pod.metadata!.uid}_${image}`;
    const invalid = imageReferenceError(image);
    if (invalid !== undefined) {
      // Stored by an older version or written around admission: never let such a string near the engine.
      const message = invalidImageNameMessage(image, invalid);
      if (!this.reportedInvalid.has(key)) {
        this.reportedInvalid.add(key);
        event('Warning', 'InspectFailed', message);
        event('Warning', 'Failed', 'Error: InvalidImageName');
      }
      return { ok: false, reason: 'InvalidImageName', message };
    }
    const now = Date.now();
    const present = await this.runtime.imageExists(image);

    if (policy === 'Never') {
      if (present) {
        event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
        return { ok: true };
      }
      const message = `Container image "${image}" is not present with pull policy of Never`;
      event('Warning', 'ErrImageNeverPull', message);
      return { ok: false, reason: 'ErrImageNeverPull', message };
    }
    if (policy === 'IfNotPresent' && present) {
      event('Normal', 'Pulled', `Container image "${image}" already present on machine`);
      return { ok: true };
    }
    const recent = this.lastPullFailure.get(image);
    if (present && recent && now - recent.at < OFFLINE_MEMORY_MS) {
      event('Normal', 'Pulled', `Container image "${image}" already present on machine (registry unreachable, using the local image)`);
      return { ok: true };
    }
    const prev = this.lastErrors.get(key);
    if (prev && !present && this.backoff.isInBackOffSince(key, prev.at, now)) {
      event('Normal', 'BackOff', `Back-off pulling image "${image}"`);
      return { ok: false, reason: 'ImagePullBackOff', message: `Back-off pulling image "${image}": ErrImagePull: ${prev.message}` };
    }

    event('Normal', 'Pulling', `Pulling image "${image}"`);
    const started = Date.now();
    const pulled = await this.runtime.pullImage(image);
    if (pulled.ok) {
      const secs = ((Date.now() - started) / 1000).toFixed(3);
      event('Normal', 'Pulled', `Successfully pulled image "${image}" in ${secs}s (${secs}s including waiting)`);
      this.backoff.forget(key);
      return { ok: true };
    }
    this.lastPullFailure.set(image, { at: Date.now(), message: pulled.message });
    if (present) {
      event('Warning', 'Pulled',
        `Failed to pull image "${image}" (${pulled.message}); using the image already present on this machine (mini-kube works offline)`);
      return { ok: true };
    }
    this.backoff.next(key, Date.now());
    this.lastErrors.set(key, { at: Date.now(), message: pulled.message });
    event('Warning', 'Failed', `Failed to pull image "${image}": ${pulled.message}`);
    event('Warning', 'Failed', 'Error: ErrImagePull');
    return { ok: false, reason: 'ErrImagePull', message: pulled.message };
  }

  /** When the next pull may be tried for this pod and image (0 = now). */
  retryInMs(pod: Pod, image: string): number {
    const key = `${pod.metadata!.uid}_${image}`;
    const prev = this.lastErrors.get(key);
    return prev ? this.backoff.remaining(key, prev.at, Date.now()) : 0;
  }

  forgetPod(uid: string): void {
    this.backoff.forgetPrefix(`${uid}_`);
    for (const k of this.reportedInvalid) if (k.startsWith(`${uid}_`)) this.reportedInvalid.delete(k);
  }
}
