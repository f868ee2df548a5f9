// GET pods/{name}/log: the container's output as text/plain, streamed while `follow` holds. Which
// instance is read is the kubelet's answer from the engine (pod-containers.ts): the newest instance, or
// with `previous` the one before it; never a container ID from the pod's status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Readable } from 'node:stream';
import type { Pod } from '../../kube/types.js';
import { StatusError } from '../../kube/errors.js';
import type { Stored } from '../../store/store.js';
import type { ApiContext } from '../context.js';
import { chooseContainer, containerInstances, previousInstance, waitingToStart } from './pod-containers.js';
import { boolParam, intParam } from '../http/request.js';

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

  const kubelet = ctx.kubelet;
  const instances = await containerInstances(kubelet, pod, container);
  let id: string | undefined;
  if (previous) {
    id = previousInstance(instances)?.id;
    if (!id) throw new StatusError(400, 'BadRequest', `previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
  } else {
    // As the kubelet: the current instance, or (crash loop back-off) the last one that ran.
    id = instances[0]?.id;
    if (!id) throw waitingToStart(pod, container);
  }

  let stream: Readable;
  try {
    stream = await kubelet!.logs(id, { follow: follow && !previous, tailLines, timestamps, sinceSeconds });
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
