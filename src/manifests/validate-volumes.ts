// The volume sources mini-kube implements, as the apiserver validates them (validation.go validateVolumeSource
// and friends): configMap, secret, downwardAPI, projected (names, items' key/path/mode, defaultMode, the
// downward-API paths a volume may read, token lifetimes, duplicate projected paths), and a volumeMount's
// subPath/subPathExpr. What mini-kube refuses of them is in unimplementedVolumes (docs/decisions/132).
import type * as core from 'kubernetes-types/core/v1.js';
import type { Container, PodSpec } from '../kube/types.js';
import { isQualifiedName } from '../kube/validation.js';
import type { FieldPath } from './field-path.js';
import { invalidField, notSupportedField, requiredField, forbiddenField, type FieldError } from './field-errors.js';

/** unimplemented.ts's wording (not imported: that module calls this one) */
const notImplemented = (path: FieldPath, detail: string): FieldError =>
  forbiddenField(path, `mini-kube does not implement ${path.toString()} (${detail})`);

const MODE_ERROR = 'must be a number between 0 and 0777 (octal), both inclusive';
const VOLUME_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const VOLUME_RESOURCES = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

function mode(value: number | undefined, path: FieldPath): FieldError[] {
  if (value === undefined) return [];
  return value < 0 || value > 0o777 ? [invalidField(path, value, MODE_ERROR)] : [];
}

/** validateLocalNonReservedPath: relative, no `..` element, not starting with `..`. */
export function localNonReservedPath(p: string, path: FieldPath): FieldError[] {
  const errs = localDescendingPath(p, path);
  if (p.startsWith('..')) errs.push(invalidField(path, p, "must not start with '..'"));
  return errs;
}

/** validateLocalDescendingPath: relative, no `..` element. */
export function localDescendingPath(p: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (p.startsWith('/')) errs.push(invalidField(path, p, 'must be a relative path'));
  if (p.split('/').includes('..')) errs.push(invalidField(path, p, "must not contain '..'"));
  return errs;
}

function keyToPaths(items: readonly core.KeyToPath[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((it, i) => {
    const p = path.index(i);
    if (!it.key) errs.push(requiredField(p.child('key')));
    if (!it.path) errs.push(requiredField(p.child('path')));
    else errs.push(...localNonReservedPath(it.path, p.child('path')));
    errs.push(...mode(it.mode, p.child('mode')));
  });
  return errs;
}

function downwardFiles(items: readonly core.DownwardAPIVolumeFile[] | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  (items ?? []).forEach((it, i) => {
    const p = path.index(i);
    if (!it.path) errs.push(requiredField(p.child('path')));
    else errs.push(...localNonReservedPath(it.path, p.child('path')));
    errs.push(...mode(it.mode, p.child('mode')));
    if (it.fieldRef && it.resourceFieldRef) errs.push(invalidField(p, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
    if (!it.fieldRef && !it.resourceFieldRef) errs.push(requiredField(p, 'one of fieldRef and resourceFieldRef is required'));
    if (it.fieldRef) {
      const fp = it.fieldRef.fieldPath;
      const fpPath = p.child('fieldRef', 'fieldPath');
      const sub = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(fp ?? '');
      if (!it.fieldRef.apiVersion) errs.push(requiredField(p.child('fieldRef', 'apiVersion')));
      if (!fp) errs.push(requiredField(fpPath));
      else if (sub) for (const msg of isQualifiedName(sub[2]!.toLowerCase())) errs.push(invalidField(fpPath, fp, msg));
      else if (!VOLUME_FIELD_PATHS.includes(fp)) errs.push(notSupportedField(fpPath, fp, VOLUME_FIELD_PATHS));
    }
    if (it.resourceFieldRef) {
      const r = it.resourceFieldRef;
      const rp = p.child('resourceFieldRef');
      if (!r.containerName) errs.push(requiredField(rp.child('containerName'), ''));
      if (!r.resource) errs.push(requiredField(rp.child('resource')));
      else if (!VOLUME_RESOURCES.includes(r.resource)) errs.push(notSupportedField(rp.child('resource'), r.resource, VOLUME_RESOURCES));
    }
  });
  return errs;
}

/** The checks of one volume's configMap/secret/downwardAPI/projected source. */
export function validateFileVolume(v: core.Volume, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (v.configMap) {
    const p = path.child('configMap');
    if (!v.configMap.name) errs.push(requiredField(p.child('name')));
    errs.push(...mode(v.configMap.defaultMode, p.child('defaultMode')), ...keyToPaths(v.configMap.items, p.child('items')));
  }
  if (v.secret) {
    const p = path.child('secret');
    if (!v.secret.secretName) errs.push(requiredField(p.child('secretName')));
    errs.push(...mode(v.secret.defaultMode, p.child('defaultMode')), ...keyToPaths(v.secret.items, p.child('items')));
  }
  if (v.downwardAPI) {
    const p = path.child('downwardAPI');
    errs.push(...mode(v.downwardAPI.defaultMode, p.child('defaultMode')), ...downwardFiles(v.downwardAPI.items, p.child('items')));
  }
  if (v.projected) errs.push(...projected(v.projected, path.child('projected')));
  if (v.persistentVolumeClaim && !v.persistentVolumeClaim.claimName) errs.push(requiredField(path.child('persistentVolumeClaim', 'claimName')));
  return errs;
}

function projected(src: core.ProjectedVolumeSource, path: FieldPath): FieldError[] {
  const errs = mode(src.defaultMode, path.child('defaultMode'));
  const paths = new Set<string>();
  const claim = (p: string | undefined, at: FieldPath): void => {
    if (!p) return;
    if (paths.has(p)) errs.push(invalidField(at, p, 'conflicting duplicate paths'));
    paths.add(p);
  };
  (src.sources ?? []).forEach((s, i) => {
    const p = path.child('sources').index(i);
    const set = (['clusterTrustBundle', 'configMap', 'downwardAPI', 'secret', 'serviceAccountToken'] as const).filter((k) => s[k] !== undefined);
    if (set.length > 1) errs.push(forbiddenField(p.child(set[1]!), 'may not specify more than 1 volume type per source'));
    if (s.configMap) {
      if (!s.configMap.name) errs.push(requiredField(p.child('configMap', 'name')));
      errs.push(...keyToPaths(s.configMap.items, p.child('configMap', 'items')));
      (s.configMap.items ?? []).forEach((it, j) => claim(it.path, p.child('configMap', 'items').index(j).child('path')));
    }
    if (s.secret) {
      if (!s.secret.name) errs.push(requiredField(p.child('secret', 'name')));
      errs.push(...keyToPaths(s.secret.items, p.child('secret', 'items')));
      (s.secret.items ?? []).forEach((it, j) => claim(it.path, p.child('secret', 'items').index(j).child('path')));
    }
    if (s.downwardAPI) {
      errs.push(...downwardFiles(s.downwardAPI.items, p.child('downwardAPI', 'items')));
      (s.downwardAPI.items ?? []).forEach((it, j) => claim(it.path, p.child('downwardAPI', 'items').index(j).child('path')));
    }
    if (s.serviceAccountToken) {
      const t = s.serviceAccountToken;
      const tp = p.child('serviceAccountToken');
      if (t.expirationSeconds !== undefined && t.expirationSeconds < 600) errs.push(invalidField(tp.child('expirationSeconds'), t.expirationSeconds, 'may not specify a duration less than 10 minutes'));
      if (t.expirationSeconds !== undefined && t.expirationSeconds > 2 ** 32) errs.push(invalidField(tp.child('expirationSeconds'), t.expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
      if (!t.path) errs.push(requiredField(tp.child('path')));
      else errs.push(...localNonReservedPath(t.path, tp.child('path')));
      claim(t.path, tp.child('path'));
    }
  });
  return errs;
}

/** A volumeMount's subPath and subPathExpr (validateVolumeMounts). */
export function validateSubPath(m: core.VolumeMount, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (m.subPath && m.subPathExpr) errs.push(invalidField(path.child('subPathExpr'), m.subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
  if (m.subPath) errs.push(...localDescendingPath(m.subPath, path.child('subPath')));
  if (m.subPathExpr) errs.push(...localDescendingPath(m.subPathExpr, path.child('subPathExpr')));
  return errs;
}

/**
 * What mini-kube refuses of the volumes it implements: a sub-path of an emptyDir (Docker 20.10 mounts no
 * part of a named volume; a bind of its directory is the subPath symlink escape, decision 132).
 */
export function unimplementedVolumes(spec: PodSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const volumes = Array.isArray(spec.volumes) ? spec.volumes : [];
  // a claim's volume is a Docker named volume too (volume-claims.ts)
  const emptyDirs = new Set(volumes.filter((v) => v?.emptyDir || v?.persistentVolumeClaim).map((v) => v.name));
  const lists: [string, Container[] | undefined][] = [['initContainers', spec.initContainers], ['containers', spec.containers]];
  for (const [field, list] of lists) {
    (Array.isArray(list) ? list : []).forEach((c, i) => {
      (Array.isArray(c?.volumeMounts) ? c.volumeMounts : []).forEach((m, j) => {
        if (!emptyDirs.has(m?.name)) return;
        for (const f of ['subPath', 'subPathExpr'] as const) {
          if (!m[f]) continue;
          errs.push(notImplemented(path.child(field).index(i).child('volumeMounts').index(j).child(f),
            'on an emptyDir or a persistentVolumeClaim: Docker 20.10 cannot mount a part of a volume; configMap, secret, downwardAPI and projected volumes take one'));
        }
      });
    });
  }
  return errs;
}
