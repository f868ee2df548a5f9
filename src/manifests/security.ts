// What mini-kube refuses unless the control plane runs with --allow-privileged: settings that give a
// container power over the machine it runs on (mini-kube's containers run on the user's own Docker).
import type { Container, PodSpec } from '../kube/types.js';
import type { FieldPath } from './field-path.js';
import { forbiddenField, type FieldError } from './field-errors.js';
import { ALLOW_PRIVILEGED_ADVICE } from './constants.js';

const refuse = (path: FieldPath, why: string): FieldError =>
  forbiddenField(path, `mini-kube refuses this because ${why}; ${ALLOW_PRIVILEGED_ADVICE}`);

const DOCKER_SOCKETS = ['/var/run/docker.sock', '/run/docker.sock'];

/** The privileged settings of a pod spec (a Pod's spec or a Deployment's template.spec). */
export function privilegedSettings(spec: PodSpec | undefined, path: FieldPath): FieldError[] {
  if (!spec) return [];
  const errs: FieldError[] = [];
  if (spec.hostNetwork) errs.push(refuse(path.child('hostNetwork'), "a pod on the host's network can see and bind every network interface of the whole machine"));
  if (spec.hostPID) errs.push(refuse(path.child('hostPID'), "a pod in the host's process namespace can see and signal every process of the whole machine"));
  if (spec.hostIPC) errs.push(refuse(path.child('hostIPC'), "a pod in the host's IPC namespace can read the shared memory of the whole machine"));
  (spec.volumes ?? []).forEach((v, i) => {
    const hp = v.hostPath?.path;
    if (v.hostPath === undefined) return;
    const p = path.child('volumes').index(i).child('hostPath');
    if (hp !== undefined && exposesDockerSocket(hp)) {
      errs.push(refuse(p, `mounting the Docker socket (${hp}) gives the container full control of Docker, and through it of the whole machine and of mini-kube itself`));
    } else {
      errs.push(refuse(p, `a hostPath volume (${hp ?? ''}) lets the container read and write the machine's own files, which means it controls the whole machine`));
    }
  });
  // ephemeral containers (kubectl debug) run on the same engine: the same rule holds for them
  const lists: [string, Container[] | undefined][] = [['initContainers', spec.initContainers], ['containers', spec.containers], ['ephemeralContainers', spec.ephemeralContainers as Container[] | undefined]];
  for (const [field, list] of lists) {
    (list ?? []).forEach((c, i) => errs.push(...containerSettings(c, path.child(field).index(i))));
  }
  return errs;
}

function containerSettings(c: Container, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const sc = c.securityContext;
  if (sc?.privileged === true) errs.push(refuse(path.child('securityContext', 'privileged'), 'a container with it controls the whole machine'));
  const add = sc?.capabilities?.add ?? [];
  if (add.length > 0) {
    errs.push(refuse(path.child('securityContext', 'capabilities', 'add'),
      `added capabilities (${add.join(', ')}) let a container step outside its isolation, and a container with them can control the whole machine`));
  }
  (c.ports ?? []).forEach((port, i) => {
    if (port.hostPort !== undefined && port.hostPort > 0 && port.hostPort < 1024) {
      errs.push(refuse(path.child('ports').index(i).child('hostPort'),
        `host port ${port.hostPort} is one of the machine's privileged ports (below 1024), which only root may bind; use a hostPort of 1024 or more, or a NodePort Service`));
    }
  });
  return errs;
}

/** The socket itself, or a directory that contains it ("/", "/var", "/var/run", "/run"). */
function exposesDockerSocket(p: string): boolean {
  const norm = p.replace(/\/+$/, '') || '/';
  return DOCKER_SOCKETS.some((s) => s === norm || s.startsWith(norm === '/' ? '/' : `${norm}/`));
}
