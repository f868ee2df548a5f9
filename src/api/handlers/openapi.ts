// /openapi/v2 and /openapi/v3[/{group-version}]: what `kubectl explain`, client-side validation, kubectl
// 1.20's `apply --dry-run=server` and `diff`, and apply's patch metadata read. The documents are built
// by src/api/openapi from the served resource lists and the vendored generated.proto files, on the first
// request for one of them (a dynamic import: a `get pods` loads none of it), and answered as the
// apiserver's kube-openapi handlers do: ETag, 304 on If-None-Match, and for v3 the `hash` query that
// makes a document immutable (another hash is redirected to the current one).
import type { ServerResponse } from 'node:http';
import type { Router } from '../http/router.js';
import { pathNotFound, sendStatus } from '../http/errors.js';
import { groupVersionPath, type ServedGroupVersion } from '../openapi/paths.js';
import type { OpenApiDocuments } from '../openapi/documents.js';

export interface OpenApiOptions {
  /** the resource lists discovery serves, per group/version */
  served: () => ServedGroupVersion[];
  gitVersion: string;
}

const PROTOBUF_V2 = ['application/com.github.proto-openapi.spec.v2@v1.0+protobuf', 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf'];

export function registerOpenApi(app: Router, opts: OpenApiOptions): void {
  let building: Promise<{ docs: OpenApiDocuments; protobufV2: () => Buffer }> | undefined;
  const documents = () => {
    building ??= Promise.all([import('../openapi/documents.js'), import('../openapi/gnostic-v2.js')]).then(([d, g]) => {
      const docs = d.buildOpenApi(opts.served(), opts.gitVersion);
      let pb: Buffer | undefined;
      return { docs, protobufV2: () => (pb ??= g.encodeGnosticV2(docs.v2.doc)) };
    });
    return building;
  };

  app.get('/openapi/v2', async (req, res) => {
    const { docs, protobufV2 } = await documents();
    const accept = (req.headers.accept ?? '').toLowerCase();
    const wantsProtobuf = PROTOBUF_V2.some((t) => accept.includes(t)) && !prefersJson(accept);
    const etag = `"${docs.v2.hash}${wantsProtobuf ? '-pb' : ''}"`;
    if (req.headers['if-none-match'] === etag) return notModified(res, etag);
    // application/octet-stream, not the requested type: kubectl 1.20's client cannot parse a media type
    // with "@" in it (mime: unexpected content after media subtype) and decodes the body regardless.
    if (wantsProtobuf) send(res, protobufV2(), 'application/octet-stream', { ETag: etag, Vary: 'Accept' });
    else send(res, docs.v2.json, 'application/json', { ETag: etag, Vary: 'Accept' });
  });

  app.get('/openapi/v3', async (req, res) => {
    const { docs } = await documents();
    const etag = `"${docs.v3IndexHash}"`;
    if (req.headers['if-none-match'] === etag) return notModified(res, etag);
    send(res, docs.v3Index, 'application/json', { ETag: etag, 'Cache-Control': 'no-cache, private' });
  });

  // The per-group-version documents: /openapi/v3/api/v1, /openapi/v3/apis/{group}/{version}.
  for (const gv of opts.served()) {
    const gvPath = groupVersionPath(gv.group, gv.version);
    app.get(`/openapi/v3/${gvPath}`, async (req, res) => {
      const { docs } = await documents();
      const doc = docs.v3.get(gvPath);
      if (!doc) return sendStatus(res, pathNotFound());
      const hash = new URL(req.url ?? '/', 'https://x').searchParams.get('hash');
      const etag = `"${doc.hash}"`;
      if (hash !== null && hash !== doc.hash) {
        res.writeHead(301, { Location: `/openapi/v3/${gvPath}?hash=${doc.hash}`, 'Content-Length': 0 });
        return void res.end();
      }
      const headers: Record<string, string> = hash === null
        ? { ETag: etag, 'Cache-Control': 'no-cache, private' }
        : { ETag: etag, 'Cache-Control': 'public, immutable', Expires: new Date(Date.now() + 365 * 86400_000).toUTCString() };
      if (req.headers['if-none-match'] === etag) return notModified(res, etag);
      send(res, doc.json, 'application/json', headers);
    });
  }
}

/** kubectl 1.32 writes "application/json" after the protobuf type with a lower q; JSON first means JSON. */
function prefersJson(accept: string): boolean {
  const json = accept.indexOf('application/json');
  return json >= 0 && json < Math.min(...PROTOBUF_V2.map((t) => accept.indexOf(t)).filter((i) => i >= 0));
}

function send(res: ServerResponse, body: Buffer, type: string, headers: Record<string, string>): void {
  res.writeHead(200, { 'Content-Type': type, 'Content-Length': body.length, ...headers });
  res.end(body);
}

function notModified(res: ServerResponse, etag: string): void {
  res.writeHead(304, { ETag: etag });
  res.end();
}

