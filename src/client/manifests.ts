// Reading manifests from the filesystem for `apply -f` / `delete -f` and the library's applyFile: a file,
// a directory (its .yaml/.yml/.json files, sorted) or - for stdin. Every file is parsed and checked before
// anything is sent, so a file with an error applies nothing and the error names file, line and column.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseManifests, type ParsedManifest } from '../manifests/index.js';

export class ManifestPathError extends Error {}

export interface ReadManifestsOptions {
  strict?: boolean;
  /** parser warnings (legacy apiVersions, unknown fields) */
  onWarning?: (warning: string) => void;
}

export function readManifestPaths(paths: string[], opts: ReadManifestsOptions = {}): ParsedManifest[] {
  const files: { name: string; text: string }[] = [];
  for (const p of paths) {
    if (p === '-') {
      files.push({ name: '<stdin>', text: fs.readFileSync(0, 'utf8') });
      continue;
    }
    if (!fs.existsSync(p)) throw new ManifestPathError(`the path "${p}" does not exist`);
    if (fs.statSync(p).isDirectory()) {
      const entries = fs.readdirSync(p).filter((f) => /\.(ya?ml|json)$/.test(f)).sort();
      if (!entries.length) throw new ManifestPathError(`no manifest files (.yaml, .yml, .json) in directory "${p}"`);
      for (const f of entries) files.push({ name: path.join(p, f), text: fs.readFileSync(path.join(p, f), 'utf8') });
    } else {
      files.push({ name: p, text: fs.readFileSync(p, 'utf8') });
    }
  }
  const out: ParsedManifest[] = [];
  for (const f of files) {
    const result = parseManifests(f.text, f.name, { strict: opts.strict });
    for (const w of result.warnings) opts.onWarning?.(w);
    out.push(...result.objects);
  }
  if (!out.length) throw new ManifestPathError('no objects passed to apply');
  return out;
}
