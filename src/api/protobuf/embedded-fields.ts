// Embedded Go structs (`json:",inline"`): a message field in protobuf, their fields at the parent's level
// in JSON and in OpenAPI. The generated.proto files do not mark them, so they are listed here, as
// "Message.field", for both the codec and the OpenAPI schemas (src/api/openapi).
export const EMBEDDED_FIELDS: ReadonlySet<string> = new Set([
  'Volume.volumeSource', 'Probe.handler', 'EphemeralContainer.ephemeralContainerCommon', 'VolumeMountStatus.volumeStatus',
  'PersistentVolumeSpec.persistentVolumeSource',
  ...['ConfigMapEnvSource', 'ConfigMapKeySelector', 'ConfigMapProjection', 'ConfigMapVolumeSource', 'SecretEnvSource', 'SecretKeySelector', 'SecretProjection']
    .map((t) => `${t}.localObjectReference`),
]);
