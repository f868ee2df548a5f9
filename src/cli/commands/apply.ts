// `apply -f` and `delete -f|TYPE NAME`. Manifests are read and checked here, client-side as kubectl does,
// so that errors name file, line and column; a file with any error applies nothing.
import type { Command } from 'commander';
import { applyObject, displayName } from '../../client/apply.js';
import type { ApiClient } from '../../client/api-client.js';
import { ManifestPathError, readManifestPaths } from '../../client/manifests.js';
import type { ParsedManifest } from '../../manifests/index.js';
import { StatusError } from '../../kube/errors.js';
import { byKind, type Kind } from '../../kube/kinds.js';
import { action, CliError, connection } from '../context.js';
import { resolveType } from './get.js';

export function registerApply(program: Command): void {
  program.command('apply')
    .description('create or update objects from manifest files (FILE, DIR or - for stdin)')
    .requiredOption('-f, --filename <path...>', 'manifest file, directory, or - for stdin')
    .option('-n, --namespace <ns>', 'namespace for objects that do not name one')
    .option('--strict', 'refuse what a current real cluster refuses (legacy apiVersions, unknown fields)')
    .action(action(async (opts: { filename: string[]; namespace?: string; strict?: boolean }) => {
      const manifests = await readManifests(opts.filename, { strict: !!opts.strict });
      const { client } = await connection();
      for (const m of manifests) {
        const r = await applyObject(client, m.object, opts.namespace);
        for (const w of r.warnings) process.stderr.write(`Warning: ${w}\n`);
        process.stdout.write(`${displayName(r.kind, r.name)} ${r.action}\n`);
      }
    }, { engine: true }));

  program.command('delete')
    .description('delete objects: delete -f FILE, or delete TYPE NAME...')
    .argument('[type]', 'pod|deploy|svc|rs|ep, or type/name')
    .argument('[names...]', 'object names')
    .option('-f, --filename <path...>', 'manifest file, directory, or -')
    .option('-n, --namespace <ns>', 'namespace', 'default')
    .option('-l, --selector <selector>', 'delete every object of the type with these labels')
    .option('--grace-period <seconds>', 'seconds a pod gets to stop (default: its terminationGracePeriodSeconds)')
    .option('--wait <bool>', 'wait until the objects are gone', 'true')
    .option('--ignore-not-found', 'treat "not found" as success')
    .action(action(async (typeArg: string | undefined, names: string[], opts: {
      filename?: string[]; namespace: string; selector?: string; gracePeriod?: string; wait: string; ignoreNotFound?: boolean;
    }) => {
      const targets: { kind: Kind; namespace: string; name: string }[] = [];
      if (opts.filename) {
        for (const m of await readManifests(opts.filename, { strict: false })) {
          targets.push({ kind: m.object.kind as Kind, namespace: m.object.metadata?.namespace ?? opts.namespace, name: m.object.metadata!.name! });
        }
      } else {
        if (!typeArg) throw new CliError('You must provide one or more resources by argument or filename.');
        let t = typeArg;
        if (typeArg.includes('/')) {
          const [k, n] = typeArg.split('/', 2) as [string, string];
          t = k;
          names = [n, ...names];
        }
        const rt = resolveType(t);
        const { client } = await connection();
        if (opts.selector) {
          const list = await client.list(rt.kind, { namespace: opts.namespace, labelSelector: opts.selector });
          names = list.items.map((o) => o.metadata.name);
          if (!names.length) process.stdout.write(`No resources found\n`);
        } else if (!names.length) {
          throw new CliError(`resource(s) were provided, but no name was specified`);
        }
        for (const name of names) targets.push({ kind: rt.kind, namespace: opts.namespace, name });
      }
      const { client } = await connection();
      const grace = opts.gracePeriod !== undefined ? Number(opts.gracePeriod) : undefined;
      const deleted: typeof targets = [];
      let failed = false;
      for (const t of targets) {
        try {
          await client.delete(t.kind, t.namespace, t.name, { gracePeriodSeconds: grace });
          process.stdout.write(`${quotedName(t.kind, t.name)} deleted\n`);
          deleted.push(t);
        } catch (err) {
          if (err instanceof StatusError && err.code === 404 && opts.ignoreNotFound) continue;
          if (err instanceof StatusError && err.code === 404) {
            process.stderr.write(`Error from server (NotFound): ${err.message}\n`);
            failed = true;
            continue;
          }
          throw err;
        }
      }
      if (opts.wait !== 'false') await waitGone(client, deleted);
      if (failed) process.exitCode = 1;
    }));
}

/** `deployment.apps "liveness-pod"` as kubectl names what it deleted. */
function quotedName(kind: Kind, name: string): string {
  const t = byKind(kind)!;
  return `${t.singular}${t.group ? `.${t.group}` : ''} "${name}"`;
}

/** kubectl waits (--wait=true) until each deleted object is really gone, pods included. */
async function waitGone(client: ApiClient, targets: { kind: Kind; namespace: string; name: string }[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (const t of targets) {
    while (Date.now() < deadline && (await client.tryGet(t.kind, t.namespace, t.name))) {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

/** Reads every file (a directory: its .yaml/.yml/.json files; - : stdin) and checks all before anything is sent. */
export async function readManifests(paths: string[], opts: { strict: boolean }): Promise<ParsedManifest[]> {
  try {
    return readManifestPaths(paths, { strict: opts.strict, onWarning: (w) => process.stderr.write(`Warning: ${w}\n`) });
  } catch (err) {
    if (err instanceof ManifestPathError) throw new CliError(err.message);
    throw err;
  }
}
