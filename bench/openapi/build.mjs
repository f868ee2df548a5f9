// What building the OpenAPI documents costs the control plane, once, on the first /openapi request:
// the time to parse the vendored generated.proto files and write v2 and the v3 documents, the protobuf
// encoding of v2, the heap the kept documents hold, and their sizes.
// Usage: npm run build && node --expose-gc bench/openapi/build.mjs
import { servedGroupVersions } from '../../dist/src/api/handlers/discovery.js';
import { buildOpenApi } from '../../dist/src/api/openapi/documents.js';
import { encodeGnosticV2 } from '../../dist/src/api/openapi/gnostic-v2.js';

const gc = globalThis.gc ?? (() => {});
gc();
const heap0 = process.memoryUsage().heapUsed;
let t = process.hrtime.bigint();
const docs = buildOpenApi(servedGroupVersions(), 'v1.32.0-bench');
const buildMs = Number(process.hrtime.bigint() - t) / 1e6;
t = process.hrtime.bigint();
const pb = encodeGnosticV2(docs.v2.doc);
const pbMs = Number(process.hrtime.bigint() - t) / 1e6;
gc();
const heapMb = (process.memoryUsage().heapUsed - heap0) / 2 ** 20;
// a second build: the same work with the JIT warm (what a restart does not get)
t = process.hrtime.bigint();
buildOpenApi(servedGroupVersions(), 'v1.32.0-bench');
const warmMs = Number(process.hrtime.bigint() - t) / 1e6;

const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
console.log(`first build (parse .proto, v2 + v3): ${buildMs.toFixed(0)} ms   (warm: ${warmMs.toFixed(0)} ms)`);
console.log(`v2 as gnostic protobuf:              ${pbMs.toFixed(0)} ms`);
console.log(`heap kept after both:                ${heapMb.toFixed(1)} MiB${globalThis.gc ? '' : ' (run with --expose-gc for a settled figure)'}`);
console.log(`v2: JSON ${kb(docs.v2.json.length)}, protobuf ${kb(pb.length)}, ${Object.keys(docs.v2.doc.definitions).length} definitions, ${Object.keys(docs.v2.doc.paths).length} paths`);
for (const [gv, d] of docs.v3) console.log(`v3 ${gv}: ${kb(d.json.length)}`);
