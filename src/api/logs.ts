// GET pods/{name}/log: the container's output as text/plain, streamed while `follow` holds. The current
// instance is the pod status's containerID; `previous` is the instance with the highest attempt label
// below the current one, found through the runtime by the labels the kubelet puts on every container.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Pod } from '../kube/types.js';
import { LABEL_ATTEMPT, LABEL_CONTAINER, LABEL_POD_UID, type Runtime } from '../runtime/runtime.js';
import { StatusError } from '../store/errors.js';
import type { Stored } from '../store/store.js';
import type { ApiContext } from './context.js';
import { chooseContainer, containerStatus, currentContainerId, stripScheme, waitingToStart } from './pod-containers.js';
import { boolParam, intParam } from './request.js';

export async function serveLogs(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, pod: Stored<Pod>, query: URLSearchParams): Promise<void> {
  const container = chooseContainer(pod, query.get('container'));
  const follow = boolParam(query, 'follow');
  const previous = boolParam(query, 'previous');
  const timestamps = boolParam(query, 'timestamps');
  const tailLines = intParam(query, 'tailLines');
  const limitBytes = intParam(query, 'limitBytes');
  let sinceSeconds = intParam(query, 'sinceSeconds');
  const sinceTime = query.get('sinceTime');
  if (sinceSeconds !== undefined && sinceSeconds < 1) throw new StatusError(422, 'Invalid', 'sinceSeconds: Invalid value: must be greater than 0');
  if (limitBytes !== undefined && limitBytes < 1) throw new StatusError(422, 'Invalid', 'limitBytes: Invalid value: must be greater than 0');
  if (tailLines !== undefined && tailLines < 0) throw new StatusError(422, 'Invalid', 'tailLines: Invalid value: must be greater than or equal to 0');
  if (sinceTime) {
    const t = Date.parse(sinceTime);
    if (Number.isNaN(t)) throw new StatusError(400, 'BadRequest', `sinceTime: invalid time ${JSON.stringify(sinceTime)}`);
    sinceSeconds = Math.max(1, Math.ceil((Date.now() - t) / 1000));
  }

  const runtime = requireRuntime(ctx);
  const current = currentContainerId(pod, container);
  const lastTerminated = stripScheme(containerStatus(pod, container)?.lastState?.terminated?.containerID);
  let id: string | undefined;
  if (previous) {
    id = (await previousInstance(runtime, pod, container, current)) ?? lastTerminated;
    if (!id) throw new StatusError(400, 'BadRequest', `previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
  } else {
    // As the kubelet: the current instance, else (crash loop back-off) the last one that ran.
    id = current ?? lastTerminated;
    if (!id) throw waitingToStart(pod, container);
  }

  let stream: Readable;
  try {
    stream = await runtime.logs(id, { follow: follow && !previous, tailLines, timestamps, sinceSeconds });
  } catch (err) {
    throw new StatusError(400, 'BadRequest', `could not read the logs of container "${container}" in pod "${pod.metadata.name}": ${(err as Error).message}`);
  }

  res.writeHead(200, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  let remaining = limitBytes ?? Infinity;
  const stop = () => stream.destroy();
  res.on('close', stop);
  req.on('close', stop);
  await new Promise<void>((resolve) => {
    stream.on('data', (chunk: Buffer | string) => {
      let buf = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      if (buf.length > remaining) buf = buf.subarray(0, remaining);
      remaining -= buf.length;
      if (buf.length && !res.writableEnded) res.write(buf);
      if (remaining <= 0) stream.destroy();
    });
    const done = () => {
      if (!res.writableEnded) res.end();
      resolve();
    };
    stream.on('end', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}

function requireRuntime(ctx: ApiContext): Runtime {
  if (!ctx.runtime) throw new StatusError(503, 'ServiceUnavailable', 'no container runtime is connected to this API server');
  return ctx.runtime;
}

async function previousInstance(runtime: Runtime, pod: Stored<Pod>, container: string, currentId: string | undefined): Promise<string | undefined> {
  const all = await runtime.listContainers({ [LABEL_POD_UID]: pod.metadata.uid, [LABEL_CONTAINER]: container });
  const attempt = (labels: Record<string, string>) => Number(labels[LABEL_ATTEMPT] ?? -1);
  const current = all.find((c) => currentId && (c.id === currentId || c.id.startsWith(currentId) || currentId.startsWith(c.id)));
  const currentAttempt = current ? attempt(current.labels) : Infinity;
  const older = all.filter((c) => c !== current && attempt(c.labels) < currentAttempt && !c.running);
  older.sort((a, b) => attempt(b.labels) - attempt(a.labels));
  return older[0]?.id;
}
