// How much fsync (file + directory) costs a store write, against the same write without it.
// Usage: npm run build && node bench/store-fsync.mjs [writes]   (default 300; the store dir is in $TMPDIR)
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Store } from '../dist/src/store/store.js';

const n = Number(process.argv[2] ?? 300);
function run(fsync) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-bench-store-'));
  const store = new Store(dir, { fsync });
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    store.create({ apiVersion: 'v1', kind: 'Service', metadata: { name: `s-${i}`, namespace: 'default' }, spec: { ports: [{ port: 80 }] } });
  }
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.rmSync(dir, { recursive: true, force: true });
  return ms;
}
run(false); // warm-up
const without = run(false);
const withSync = run(true);
console.log(`store writes: ${n}, filesystem of ${os.tmpdir()}`);
console.log(`baseline (write + rename):        ${(without / n).toFixed(3)} ms/write`);
console.log(`with fsync (file + directory):    ${(withSync / n).toFixed(3)} ms/write`);
