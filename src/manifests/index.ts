// The manifest pipeline: YAML/JSON text or API bodies → checked, converted, defaulted Kubernetes objects.
export { parseManifests, type ParsedManifest, type ParseResult } from './parse.js';
export { admit } from './admit.js';
export type { AdmitOptions } from './admission.js';
export { applyDefaults, imageTag } from '../kube/defaults.js';
export { ManifestError, type ManifestIssue } from './manifest-error.js';
export {
  ALLOW_PRIVILEGED_ADVICE, LEGACY_DEPLOYMENT_VERSIONS, MAX_ALIAS_COUNT, MAX_DEPTH, MAX_DOCUMENT_BYTES, MAX_FILE_BYTES,
  NODE_PORT_RANGE, SUPPORTED_KINDS,
} from './constants.js';
export { parseQuantity } from './quantity.js';
export { validateConfigDataUpdate } from './validate-config-data.js';
export { toStatusCause } from './field-errors.js';
export { dropUnknownFields } from './strict-decoding.js';
export type { FieldPath } from './field-path.js';
export { validateClaimUpdate, validateStorageClassUpdate } from './validate-storage.js';
export { validateStatefulSetUpdate } from './validate-statefulset.js';
