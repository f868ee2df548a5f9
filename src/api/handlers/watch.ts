// ?watch=true: a chunked stream of {"type","object"} lines, one write per event (Node sends each write
// as its own chunk, so nothing waits in a buffer). resourceVersion unset or "0" starts with a synthetic
// ADDED per current object; N replays the changes after N; an N older than the store's history gets an
// ERROR event carrying a 410 Expired Status, on which clients re-list. With a selector, an object that
// stops matching is sent as DELETED and one that starts matching as ADDED, as the apiserver's cacher does.
// A view (EndpointSlices) watches the kind it is computed from and turns each event into events on the
// objects computed from it.
import { toServed } from '../registry/versions.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Kind } from '../../kube/kinds.js';
import type { TableKind } from '../../printers/tables.js';
import { StatusError } from '../../kube/errors.js';
import type { KubeObject, Stored, WatchEvent } from '../../store/store.js';
import type { ApiContext } from '../context.js';
import { prefersProtobuf, type Representation } from '../http/negotiate.js';
import { PROTOBUF, protobufCodec } from '../protobuf/lazy.js';
import type { ObjectFilter } from './selectors.js';
import { renderTable, type IncludeObject } from './tables.js';

export interface WatchRequest {
  /** the stored kind watched */
  type: { kind: Kind };
  /** for a view: the objects computed from one stored object (default: the object itself) */
  project?: (obj: Stored) => Stored[];
  /** the kind of the objects sent, for Tables (default: type.kind) */
  tableKind?: TableKind;
  namespace?: string;
  filter: ObjectFilter;
  resourceVersion?: string;
  timeoutSeconds?: number;
  representation: Representation;
  include: IncludeObject;
}

type OutType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'ERROR';

/** Past this much unsent output the client is not reading; end the watch and let it re-list. */
const MAX_BUFFERED_BYTES = 16 * 1024 * 1024;

/** The apiserver's default: minRequestTimeout (30 min) times 1..2, so clients don't reconnect in step. */
function defaultTimeoutSeconds(): number {
  return Math.floor(1800 * (1 + Math.random()));
}

function parseResourceVersion(rv: string | undefined): number | undefined {
  if (rv === undefined || rv === '' || rv === '0') return undefined;
  if (!/^\d+$/.test(rv)) throw new StatusError(400, 'BadRequest', `resourceVersion: Invalid value: ${JSON.stringify(rv)}: must be a number`);
  return Number(rv);
}

export function serveWatch(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, w: WatchRequest): void {
  const fromRv = parseResourceVersion(w.resourceVersion);
  // Protobuf watch framing when asked for (client-go's typed informers); Tables stay JSON, as on the apiserver.
  const codec = w.representation.as === 'json' && prefersProtobuf(req) ? protobufCodec() : undefined;
  res.writeHead(200, { 'Content-Type': codec ? `${PROTOBUF};stream=watch` : 'application/json', 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  req.socket.setNoDelay(true);
  req.socket.setKeepAlive(true, 30_000);

  let open = true;
  let sentColumns = false;
  let unsubscribe: (() => void) | undefined;
  let removeCloseHook: (() => void) | undefined;
  const finish = () => {
    if (!open) return;
    open = false;
    clearTimeout(timer);
    unsubscribe?.();
    removeCloseHook?.();
    if (!res.writableEnded) res.end();
  };
  const timer = setTimeout(finish, (w.timeoutSeconds ?? defaultTimeoutSeconds()) * 1000);
  timer.unref();
  res.on('close', finish);
  req.on('close', finish);
  removeCloseHook = ctx.onClose(finish);

  const send = (type: OutType, object: unknown) => {
    if (!open) return;
    let frame: Buffer | undefined;
    try {
      frame = codec?.encodeWatchEvent(type, object);
    } catch (err) {
      // never expected; a stream cannot switch to JSON midway: end it, the client re-lists
      console.error(`api: protobuf watch encoding failed: ${(err as Error).message}`);
      return finish();
    }
    res.write(frame ?? JSON.stringify({ type, object }) + '\n');
    if (res.writableLength > MAX_BUFFERED_BYTES) finish();
  };

  const render = (obj: Stored): unknown => {
    if (w.representation.as !== 'table') return toServed(w.type, obj);
    const table = renderTable(w.tableKind ?? w.type.kind, [obj], {
      apiVersion: w.representation.apiVersion, include: w.include, resourceVersion: obj.metadata.resourceVersion,
      withColumns: !sentColumns, now: ctx.now(),
    });
    sentColumns = true;
    return table;
  };

  // Whether the client has been told about each object (by uid): true = it has it, false = it knows the
  // object does not match, absent = unknown (the object changed after the client's resourceVersion).
  const known = new Map<string, boolean>();
  const project = w.project ?? ((obj: Stored) => [obj]);
  // For a view: what each stored object (by uid) was last computed into, so that a computed object
  // that is gone after a change (a subset less) is sent as DELETED.
  const projected = new Map<string, Stored[]>();
  if (fromRv !== undefined) {
    // without a resourceVersion the synthetic ADDED events below establish both
    for (const source of ctx.store.list(w.type.kind, w.namespace)) {
      if (Number(source.metadata.resourceVersion) > fromRv) continue;
      const objs = project(source);
      if (w.project) projected.set(source.metadata.uid, objs);
      for (const obj of objs) known.set(obj.metadata.uid, w.filter(obj));
    }
  }

  const onEvent = (e: WatchEvent) => {
    if (!w.project) return onObjectEvent(e);
    const sourceUid = e.object.metadata.uid;
    const hadBefore = projected.has(sourceUid);
    const before = projected.get(sourceUid) ?? [];
    const after = project(e.object);
    if (e.type === 'DELETED') projected.delete(sourceUid);
    else projected.set(sourceUid, after);
    const afterUids = new Set(after.map((o) => o.metadata.uid));
    for (const obj of after) {
      const isNew = e.type === 'ADDED' || (hadBefore && !before.some((b) => b.metadata.uid === obj.metadata.uid));
      const type = e.type === 'DELETED' ? 'DELETED' : isNew ? 'ADDED' : 'MODIFIED';
      onObjectEvent({ ...e, type, object: obj });
    }
    for (const obj of before) {
      if (!afterUids.has(obj.metadata.uid)) onObjectEvent({ ...e, type: 'DELETED', object: obj });
    }
  };

  const onObjectEvent = (e: WatchEvent) => {
    const obj = e.object;
    const uid = obj.metadata.uid;
    const now = w.filter(obj as KubeObject);
    const was = known.get(uid);
    switch (e.type) {
      case 'ADDED':
        if (now) send('ADDED', render(obj));
        known.set(uid, now);
        break;
      case 'MODIFIED':
        if (now) send(was === false ? 'ADDED' : 'MODIFIED', render(obj));
        else if (was === true) send('DELETED', render(obj));
        known.set(uid, now);
        break;
      case 'DELETED':
        if (now || was === true) send('DELETED', render(obj));
        known.delete(uid);
        break;
    }
  };

  try {
    unsubscribe = ctx.store.watch({ kind: w.type.kind, namespace: w.namespace, resourceVersion: fromRv }, onEvent);
  } catch (err) {
    if (err instanceof StatusError) {
      send('ERROR', err.toStatus());
      finish();
      return;
    }
    finish();
    throw err;
  }
  if (!open) unsubscribe();
}
