// Makes the tutorial's image (ondalk8s/healthcheck:v1) exist on an engine that cannot reach a registry.
// First the tutorial's own Dockerfile is tried (works where Docker Hub is reachable); when `FROM node:carbon`
// cannot be pulled, an equivalent image is built FROM scratch out of this machine's node binary and busybox.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import { createDockerClient } from './docker-client.js';
import { engineMessage, isNotFound } from './engine-errors.js';
import { readProgress } from './json-lines.js';
import { tarStream, type TarEntry } from './tar-writer.js';

export const SAMPLE_IMAGE = 'ondalk8s/healthcheck:v1';
export const LABEL_SAMPLE = 'io.mini-kube.sample';
/** records which way the image was made, so a later call can report it */
const LABEL_SAMPLE_METHOD = 'io.mini-kube.sample-method';
/** a registry that answers slowly must not stall setup; without one the pull fails in milliseconds */
const DOCKERFILE_BUILD_TIMEOUT_MS = 30_000;
const HOST_BUILD_TIMEOUT_MS = 120_000;
/** applets linked when `busybox --list` is unavailable: what probes, the tutorial and tests use */
const BUSYBOX_FALLBACK_APPLETS = [
  'sh', 'cat', 'rm', 'ls', 'touch', 'ps', 'kill', 'sleep', 'wget', 'nc', 'echo', 'grep', 'env', 'test', 'true',
  'false', 'mkdir', 'cp', 'mv', 'head', 'tail', 'wc', 'id', 'hostname', 'timeout', 'pidof', 'killall', 'stty', 'yes',
];

const execFileAsync = promisify(execFile);

export type SampleImageMethod = 'dockerfile' | 'host-node';

export interface SampleImageResult {
  tag: string;
  method: SampleImageMethod;
  built: boolean;
}

export interface SampleImageOptions {
  tag?: string;
  log?: (line: string) => void;
  /** defaults to a client for DOCKER_HOST or /var/run/docker.sock */
  docker?: Docker;
}

// Test files running in one process share one build instead of racing to tag the same name.
const inFlight = new Map<string, Promise<SampleImageResult>>();

export function buildSampleImage(opts: SampleImageOptions = {}): Promise<SampleImageResult> {
  const tag = opts.tag ?? SAMPLE_IMAGE;
  let pending = inFlight.get(tag);
  if (!pending) {
    pending = ensureSampleImage(tag, opts.docker ?? createDockerClient(), opts.log ?? (() => {}));
    inFlight.set(tag, pending);
    pending.then(
      () => inFlight.delete(tag),
      () => inFlight.delete(tag),
    );
  }
  return pending;
}

async function ensureSampleImage(tag: string, docker: Docker, log: (line: string) => void): Promise<SampleImageResult> {
  try {
    const info = await docker.getImage(tag).inspect();
    const method = info.Config?.Labels?.[LABEL_SAMPLE_METHOD] === 'host-node' ? 'host-node' : 'dockerfile';
    log(`sample image: ${tag} already present (${method})`);
    return { tag, method, built: false };
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }

  const appDir = findSampleAppDir();
  const started = performance.now();
  log(`sample image: docker build of ${path.relative(process.cwd(), appDir) || appDir}/Dockerfile (FROM node:carbon) ...`);
  const dockerfileError = await buildFromDockerfile(docker, tag, appDir);
  if (dockerfileError === undefined) {
    log(`sample image: built ${tag} from the Dockerfile in ${seconds(started)}`);
    return { tag, method: 'dockerfile', built: true };
  }
  log(`sample image: the Dockerfile build failed after ${seconds(started)} (${dockerfileError}); building from this machine's node instead`);

  const hostStarted = performance.now();
  const nodeVersion = await buildFromHostNode(docker, tag, appDir);
  log(`sample image: built ${tag} from host node ${nodeVersion} and busybox in ${seconds(hostStarted)} (total ${seconds(started)})`);
  return { tag, method: 'host-node', built: true };
}

function seconds(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(2)} s`;
}

/** sample-app/ at the package root, found from this file whether it runs from src/ or dist/src/ */
export function findSampleAppDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(path.join(dir, 'sample-app', 'app.js'))) return path.join(dir, 'sample-app');
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('sample-app/app.js not found above ' + fileURLToPath(import.meta.url));
    dir = parent;
  }
}

/** The tutorial's Dockerfile build; returns the engine's error text, or undefined on success. */
async function buildFromDockerfile(docker: Docker, tag: string, appDir: string): Promise<string | undefined> {
  const entries: TarEntry[] = [];
  for (const name of ['Dockerfile', 'app.js', 'healthcheck']) {
    entries.push({ type: 'file', name, content: await readFile(path.join(appDir, name)) });
  }
  try {
    const stream = await docker.buildImage(tarStream(entries), {
      t: tag,
      labels: { [LABEL_SAMPLE]: 'true', [LABEL_SAMPLE_METHOD]: 'dockerfile' },
      rm: true,
      forcerm: true,
      abortSignal: AbortSignal.timeout(DOCKERFILE_BUILD_TIMEOUT_MS),
    } as Docker.ImageBuildOptions);
    const outcome = await readProgress(stream);
    return outcome.error;
  } catch (err) {
    return engineMessage(err);
  }
}

/**
 * `docker import` of a root filesystem made in-process: one image and no intermediate parents (a FROM scratch
 * build leaves one per instruction), and the engine only unpacks the tar (~1 s for ~106 MB).
 */
async function buildFromHostNode(docker: Docker, tag: string, appDir: string): Promise<string> {
  const nodePath = await realpath(process.execPath);
  const busybox = await findBusybox();
  const entries = await rootfsEntries(nodePath, busybox, appDir);
  const [repo, version] = splitTag(tag);
  const stream = await docker.importImage(tarStream(entries), {
    repo,
    tag: version,
    // Dockerfile instructions applied on import (the engine allows CMD, ENV, EXPOSE, LABEL, WORKDIR, ...)
    changes: [
      'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      'WORKDIR /',
      'EXPOSE 8080',
      `LABEL ${LABEL_SAMPLE}=true ${LABEL_SAMPLE_METHOD}=host-node`,
      'CMD ["node", "app.js"]',
    ],
    abortSignal: AbortSignal.timeout(HOST_BUILD_TIMEOUT_MS),
  });
  const outcome = await readProgress(stream);
  if (outcome.error !== undefined) throw new Error(`importing ${tag} from host node failed: ${outcome.error}`);
  return process.version;
}

/** "repo/name:tag" -> ["repo/name", "tag"]; a ':' before the last '/' is a registry port, not a tag. */
export function splitTag(ref: string): [string, string] {
  const colon = ref.lastIndexOf(':');
  if (colon > ref.lastIndexOf('/')) return [ref.slice(0, colon), ref.slice(colon + 1)];
  return [ref, 'latest'];
}

export async function findBusybox(): Promise<string> {
  for (const candidate of ['/bin/busybox', '/usr/bin/busybox', '/usr/local/bin/busybox']) {
    if (existsSync(candidate)) return realpath(candidate);
  }
  throw new Error(
    'busybox not found: the sample image needs it for sh, cat, rm and ps inside the container. ' +
      'Install it with `apt-get install busybox-static` (Debian/Ubuntu) and run again.',
  );
}

/** Shared libraries a binary loads, as `ldd` lists them (empty for static binaries). */
export function parseLdd(output: string): string[] {
  const libs: string[] = [];
  for (const line of output.split('\n')) {
    // "libc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)"
    const match = /(?:=>\s*)?(\/\S+)\s+\(0x[0-9a-f]+\)/.exec(line);
    if (match?.[1] && !libs.includes(match[1])) libs.push(match[1]);
  }
  return libs;
}

export async function sharedLibraries(binary: string): Promise<string[]> {
  try {
    const { stdout } = await execFileAsync('ldd', [binary]);
    return parseLdd(stdout);
  } catch {
    return []; // ldd exits non-zero for static binaries ("not a dynamic executable")
  }
}

async function busyboxApplets(busybox: string): Promise<string[]> {
  try {
    const { stdout } = await execFileAsync(busybox, ['--list']);
    const applets = stdout.split('\n').map((s) => s.trim()).filter((s) => /^[\w.[-]+$/.test(s) && s !== 'busybox');
    if (applets.length > 0) return applets;
  } catch {
    // very old busybox builds lack --list; the fixed set below covers what probes and the tutorial use
  }
  return BUSYBOX_FALLBACK_APPLETS;
}

/** The image's root filesystem, as a tar for `docker import`. */
async function rootfsEntries(nodePath: string, busybox: string, appDir: string): Promise<TarEntry[]> {
  const entries = await nodeBusyboxRootfs(nodePath, busybox);
  // the tutorial image's contents: COPY app.js . (WORKDIR /) and COPY healthcheck /tmp
  entries.push({ type: 'file', name: '/app.js', content: await readFile(path.join(appDir, 'app.js')) });
  entries.push({ type: 'file', name: '/tmp/healthcheck', content: await readFile(path.join(appDir, 'healthcheck')) });
  return entries;
}

/**
 * A root filesystem with this machine's node binary, busybox and their shared libraries: the base of the
 * sample image and of the network agent's (network-agent-image.ts).
 */
export async function nodeBusyboxRootfs(nodePath: string, busybox: string): Promise<TarEntry[]> {
  const entries: TarEntry[] = [];
  const dirs = new Set<string>();
  const addDir = (dir: string, mode = 0o755): void => {
    if (dir === '/' || dirs.has(dir)) return;
    addDir(path.posix.dirname(dir));
    dirs.add(dir);
    entries.push({ type: 'directory', name: dir, mode });
  };
  const addHostFile = async (target: string, source: string, mode: number): Promise<void> => {
    addDir(path.posix.dirname(target));
    const real = await realpath(source); // libraries are usually symlinks to versioned files
    entries.push({ type: 'file', name: target, sourcePath: real, size: (await stat(real)).size, mode });
  };

  addDir('/tmp', 0o1777);
  addDir('/root', 0o700);
  addDir('/etc');
  entries.push({ type: 'file', name: '/etc/passwd', content: Buffer.from('root:x:0:0:root:/root:/bin/sh\n') });
  entries.push({ type: 'file', name: '/etc/group', content: Buffer.from('root:x:0:\n') });

  await addHostFile('/usr/bin/node', nodePath, 0o755);
  await addHostFile('/bin/busybox', busybox, 0o755);
  const libs = new Set([...(await sharedLibraries(nodePath)), ...(await sharedLibraries(busybox))]);
  for (const lib of libs) await addHostFile(lib, lib, 0o755);
  for (const applet of await busyboxApplets(busybox)) {
    entries.push({ type: 'symlink', name: `/bin/${applet}`, target: 'busybox' });
  }
  return entries;
}
