// One container (regular or init), as validateContainerCommon and validateContainers check it:
// name, image, ports, env, mounts, pull policy, resources, probes and lifecycle hooks.
import type { Container } from '../kube/types.js';
import type { FieldPath } from './field-path.js';
import {
  duplicateField, forbiddenField, invalidField, notFoundField, notSupportedField, requiredField, type FieldError,
} from './field-errors.js';
import { validateEnv, validateEnvFrom } from './validate-env.js';
import { IS_NEGATIVE_ERROR, isDNS1123Label, isValidPortName, isValidPortNum } from '../kube/validation.js';
import { parseQuantity, QUANTITY_FORMAT_ERROR } from './quantity.js';
import { validateImage } from './validate-image.js';
import { validateSubPath } from './validate-volumes.js';
import { validateHandler, validateProbe } from './validate-probe.js';

export interface ContainerContext {
  volumeNames: ReadonlySet<string>;
  gracePeriod: number | undefined;
  /** regular containers may carry probes and lifecycle hooks; plain init containers may not */
  role: 'container' | 'initContainer';
}

export function validateContainer(c: Container, path: FieldPath, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  if (!c.name) errs.push(requiredField(path.child('name')));
  else for (const msg of isDNS1123Label(c.name)) errs.push(invalidField(path.child('name'), c.name, msg));
  if (!c.image) errs.push(requiredField(path.child('image')));
  else errs.push(...validateImage(c.image, path.child('image')));

  const tmp = c.terminationMessagePolicy;
  if (!tmp) errs.push(requiredField(path.child('terminationMessagePolicy')));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') errs.push(notSupportedField(path.child('terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));

  errs.push(...validateContainerPorts(c, path.child('ports')));
  errs.push(...validateEnv(c, path.child('env')));
  errs.push(...validateEnvFrom(c, path.child('envFrom')));
  errs.push(...validateVolumeMounts(c, path.child('volumeMounts'), ctx.volumeNames));

  const pull = c.imagePullPolicy;
  if (!pull) errs.push(requiredField(path.child('imagePullPolicy')));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(pull)) errs.push(notSupportedField(path.child('imagePullPolicy'), pull, ['Always', 'IfNotPresent', 'Never']));

  errs.push(...validateResources(c, path.child('resources')));

  const restartable = ctx.role === 'initContainer' && c.restartPolicy === 'Always';
  if (ctx.role === 'container' || restartable) {
    if (c.lifecycle?.postStart) errs.push(...validateHandler(c.lifecycle.postStart, ['exec', 'httpGet', 'tcpSocket', 'sleep'], path.child('lifecycle', 'postStart'), ctx.gracePeriod));
    if (c.lifecycle?.preStop) errs.push(...validateHandler(c.lifecycle.preStop, ['exec', 'httpGet', 'tcpSocket', 'sleep'], path.child('lifecycle', 'preStop'), ctx.gracePeriod));
    for (const kind of ['livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      errs.push(...validateProbe(c[kind], kind, path.child(kind), ctx.gracePeriod));
    }
  } else {
    for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
      if (c[f]) errs.push(forbiddenField(path.child(f), 'may not be set for init containers without restartPolicy=Always'));
    }
  }
  if (ctx.role === 'container' && c.restartPolicy !== undefined) {
    errs.push(forbiddenField(path.child('restartPolicy'), 'may not be set for non-init containers'));
  }
  if (ctx.role === 'initContainer' && c.restartPolicy !== undefined && c.restartPolicy !== 'Always') {
    errs.push(notSupportedField(path.child('restartPolicy'), c.restartPolicy, ['Always']));
  }
  return errs;
}

/** Names unique within the list, then each container. */
export function validateContainerList(list: Container[], path: FieldPath, ctx: ContainerContext, taken: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  list.forEach((c, i) => {
    const p = path.index(i);
    errs.push(...validateContainer(c, p, ctx));
    if (c.name) {
      if (taken.has(c.name)) errs.push(duplicateField(p.child('name'), c.name));
      else taken.add(c.name);
    }
  });
  return errs;
}

const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function validateContainerPorts(c: Container, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (c.ports ?? []).forEach((port, i) => {
    const p = path.index(i);
    if (port.name) {
      const msgs = isValidPortName(port.name);
      if (msgs.length) for (const msg of msgs) errs.push(invalidField(p.child('name'), port.name, msg));
      else if (names.has(port.name)) errs.push(duplicateField(p.child('name'), port.name));
      else names.add(port.name);
    }
    if (!port.containerPort) errs.push(requiredField(p.child('containerPort')));
    else for (const msg of isValidPortNum(port.containerPort)) errs.push(invalidField(p.child('containerPort'), port.containerPort, msg));
    if (port.hostPort) for (const msg of isValidPortNum(port.hostPort)) errs.push(invalidField(p.child('hostPort'), port.hostPort, msg));
    if (!port.protocol) errs.push(requiredField(p.child('protocol')));
    else if (!PORT_PROTOCOLS.includes(port.protocol)) errs.push(notSupportedField(p.child('protocol'), port.protocol, PORT_PROTOCOLS));
  });
  return errs;
}

function validateVolumeMounts(c: Container, path: FieldPath, volumes: ReadonlySet<string>): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const p = path.index(i);
    if (!m.name) errs.push(requiredField(p.child('name')));
    if (!volumes.has(m.name)) errs.push(notFoundField(p.child('name'), m.name ?? ''));
    if (!m.mountPath) errs.push(requiredField(p.child('mountPath')));
    if (mountPoints.has(m.mountPath)) errs.push(invalidField(p.child('mountPath'), m.mountPath, 'must be unique'));
    mountPoints.add(m.mountPath);
    errs.push(...validateSubPath(m, p));
  });
  return errs;
}

function validateResources(c: Container, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values: Record<'limits' | 'requests', Map<string, number>> = { limits: new Map(), requests: new Map() };
  for (const part of ['limits', 'requests'] as const) {
    for (const [name, q] of Object.entries(c.resources?.[part] ?? {})) {
      const p = path.child(part).key(name);
      const v = parseQuantity(q);
      if (v === undefined) { errs.push(invalidField(p, String(q), QUANTITY_FORMAT_ERROR)); continue; }
      if (v < 0) errs.push(invalidField(p, String(q), IS_NEGATIVE_ERROR));
      values[part].set(name, v);
    }
  }
  for (const [name, req] of values.requests) {
    const limit = values.limits.get(name);
    if (limit !== undefined && req > limit) {
      const q = c.resources!.requests![name]!;
      errs.push(invalidField(path.child('requests').key(name), String(q), `must be less than or equal to ${name} limit of ${String(c.resources!.limits![name])}`));
    }
  }
  return errs;
}
