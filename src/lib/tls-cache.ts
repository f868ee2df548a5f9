// A new temporary home would generate a CA and a server certificate on every start (ECDSA keys and two
// signatures: 40-250 ms on a 2-core machine, the largest part of a test cluster's start-up). Library
// clusters are all 127.0.0.1 servers of the same user, so they share one TLS identity: the first
// generates it, the others copy it into their home, where the API server validates it as usual (and
// regenerates it if it is unusable). Each cluster still has its own bearer token. CLI homes never use it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scratchDir } from './scratch.js';

const FILES = ['ca.crt', 'apiserver.crt', 'apiserver.key'] as const;

/** Copies the cached identity into a new home; false when there is none yet. */
export function seedTls(home: string): boolean {
  const dir = scratchDir();
  if (!dir) return false;
  const cached = path.join(dir, 'tls');
  try {
    const contents = FILES.map((f) => fs.readFileSync(path.join(cached, f)));
    FILES.forEach((f, i) => fs.writeFileSync(path.join(home, f), contents[i]!, { mode: f.endsWith('.key') ? 0o600 : 0o644 }));
    return true;
  } catch {
    return false;
  }
}

/** Keeps the home's identity for the next clusters when the cache has none or a different one. */
export function rememberTls(home: string): void {
  const dir = scratchDir();
  if (!dir) return;
  const cached = path.join(dir, 'tls');
  try {
    const mine = fs.readFileSync(path.join(home, 'ca.crt'), 'utf8');
    let theirs: string | undefined;
    try { theirs = fs.readFileSync(path.join(cached, 'ca.crt'), 'utf8'); } catch { /* none yet */ }
    if (theirs === mine) return;
    // The three files appear together: written to a private directory, then renamed into place.
    const tmp = path.join(dir, `tls.${process.pid}.${Date.now()}.tmp`);
    fs.mkdirSync(tmp, { mode: 0o700 });
    for (const f of FILES) fs.copyFileSync(path.join(home, f), path.join(tmp, f));
    if (theirs !== undefined) fs.rmSync(cached, { recursive: true, force: true });
    try {
      fs.renameSync(tmp, cached);
    } catch {
      fs.rmSync(tmp, { recursive: true, force: true }); // another process was first: its copy is as good
    }
  } catch {
    /* the cache is an optimisation only */
  }
}
