// The implemented-fields list: every field of a pod spec, by API type, with what mini-kube does with it.
// Nothing is stored and ignored (issue #14): a field is
//   - implemented: it happens as on Kubernetes (`by` names the test that shows it, or why one node
//     makes it the same as Kubernetes);
//   - only: accepted with the listed values (the Kubernetes default, or what mini-kube does), refused
//     with any other;
//   - warned: accepted with a `Warning:` as the apiserver sends one, where ignoring it is harmless;
//   - refused: "mini-kube does not implement <path>" at admission (422 at the API, file:line in files).
// An implemented field whose type is an object has its own table here, down to the leaves, so a new
// field is never accepted unseen: test/unit/manifests/pod-fields.test.ts walks the schema (schema/) from
// PodSpec and fails on a field without an entry. docs/pod.md is this list for users.
import type { FieldPath } from './field-path.js';
import { fieldsOf, type FieldType } from './schema/index.js';

export type FieldEntry =
  | { status: 'implemented'; by: string }
  | { status: 'only'; values: readonly unknown[]; why: string; otherwise?: 'warn' }
  | { status: 'warned'; why: string }
  | { status: 'refused'; note?: string };

export const impl = (by: string): FieldEntry => ({ status: 'implemented', by });
export const only = (values: readonly unknown[], why: string, otherwise?: 'warn'): FieldEntry =>
  ({ status: 'only', values, why, ...(otherwise ? { otherwise } : {}) });
export const warned = (why: string): FieldEntry => ({ status: 'warned', why });
export const refused = (note?: string): FieldEntry => ({ status: 'refused', ...(note ? { note } : {}) });
const INIT_TEST = 'test/integration/pod-init-containers.test.ts';
const EPHEMERAL_TEST = 'test/integration/kubectl-debug.test.ts';
const ENV_TEST = 'test/integration/configmaps-secrets.test.ts, test/unit/kubelet/env.test.ts';

const PROBE_TESTS = 'test/integration/probes-tutorial-liveness, probes-tutorial-readiness, probes-handlers';
const SCHED_UNIT = 'test/unit/scheduler/plugins.test.ts';
const NODES_TEST = 'test/integration/nodes-multi.test.ts';
const TAINTS = `${SCHED_UNIT} (TaintToleration), test/unit/controllers/taint-eviction.test.ts, ${NODES_TEST}`;
const AFFINITY = `${SCHED_UNIT} (NodeAffinity, InterPodAffinity), ${NODES_TEST} (anti-affinity over 3 nodes)`;
const SEC_TEST = 'test/integration/pod-resources-security.test.ts';
const LIFECYCLE_TEST = 'test/integration/pod-lifecycle.test.ts';
const VOL_TEST = 'test/integration/pod-volumes.test.ts';
const VOL_UNIT = 'test/unit/kubelet/volume-sources.test.ts';
const KUBECTL_VOL_TEST = 'test/integration/pod-volumes-kubectl.test.ts';
const PVC_TEST = 'test/integration/storage-pvc.test.ts, test/integration/workloads-statefulset.test.ts';
const STREAMS_ATTACH_TEST = 'test/integration/streams-attach.test.ts';
const DNS_TEST = 'test/integration/pod-dns-config.test.ts (resolv.conf per dnsPolicy), test/unit/kubelet/dns-config.test.ts';
const HOSTS_TEST = 'test/integration/pod-dns-config.test.ts (/etc/hosts, hostname -f), test/unit/kubelet/hosts-file.test.ts';

/** Type name → field name → entry. Types reached only through refused fields are not listed. */
export const POD_FIELDS: Readonly<Record<string, Readonly<Record<string, FieldEntry>>>> = {
  PodSpec: {
    activeDeadlineSeconds: refused(),
    affinity: impl(AFFINITY),
    // true (the default): the kube-api-access-* projected volume at /var/run/secrets/kubernetes.io/serviceaccount
    automountServiceAccountToken: impl('test/integration/in-cluster.test.ts (the kube-api-access volume; false: none), test/unit/kube/service-account.test.ts'),
    containers: impl('test/integration/foundation.test.ts'),
    dnsConfig: impl(DNS_TEST),
    dnsPolicy: impl(DNS_TEST),
    // <NAME>_SERVICE_HOST and the docker-links variables of the namespace's Services (src/kube/service-env.ts)
    enableServiceLinks: impl('test/unit/kube/service-env.test.ts, test/integration/services-cluster-ip.test.ts'),
    // written only through pods/{name}/ephemeralcontainers (kubectl debug), as on Kubernetes: a create
    // with them is refused (validate-pod.ts), an update of the pod keeps the stored ones
    ephemeralContainers: impl(EPHEMERAL_TEST),
    hostAliases: impl(HOSTS_TEST),
    hostIPC: impl('test/unit/runtime/create-options-resources-security.test.ts (only with --allow-privileged: security.ts)'),
    hostname: impl('test/integration/pod-resources-security.test.ts (exec hostname)'),
    // the pod's IP, probes and Services all assume the pod network; true also needs --allow-privileged
    hostNetwork: only([false], 'the pod network is the only one mini-kube implements'),
    hostPID: impl('test/unit/runtime/create-options-resources-security.test.ts (only with --allow-privileged: security.ts)'),
    hostUsers: refused(),
    imagePullSecrets: refused(),
    initContainers: impl(INIT_TEST),
    // set: the scheduler's NodeName filter; the pod waits for that node (and its kubelet) as on Kubernetes
    nodeName: impl(`${SCHED_UNIT} (NodeName)`),
    nodeSelector: impl(`${SCHED_UNIT} (NodeAffinity)`),
    os: impl('the node is linux: PodOS.name is only "linux" (see PodOS)'),
    overhead: refused(),
    preemptionPolicy: refused(),
    priority: refused(),
    priorityClassName: refused(),
    readinessGates: refused(),
    resourceClaims: refused(),
    restartPolicy: impl('test/unit/kubelet/pod-actions.test.ts'),
    runtimeClassName: refused(),
    schedulerName: only(['default-scheduler'], 'mini-kube runs one scheduler, default-scheduler (src/scheduler); a pod for another would stay Pending forever'),
    schedulingGates: refused(),
    securityContext: impl(SEC_TEST),
    serviceAccount: impl('test/integration/service-accounts.test.ts (the deprecated alias, mirrored from serviceAccountName)'),
    serviceAccountName: impl('test/integration/service-accounts.test.ts (defaulted to default; a missing ServiceAccount refuses the pod)'),
    setHostnameAsFQDN: impl(HOSTS_TEST),
    shareProcessNamespace: refused(),
    subdomain: impl(HOSTS_TEST),
    terminationGracePeriodSeconds: impl('test/integration/reliability-graceful.test.ts'),
    tolerations: impl(TAINTS),
    topologySpreadConstraints: impl(`${SCHED_UNIT} (PodTopologySpread)`),
    volumes: impl(INIT_TEST),
  },
  Container: {
    args: impl('test/unit/runtime/create-options.test.ts'),
    command: impl('test/unit/runtime/create-options.test.ts'),
    env: impl('test/unit/kubelet/env.test.ts'),
    envFrom: impl(ENV_TEST),
    image: impl('test/integration/foundation.test.ts'),
    imagePullPolicy: impl('test/unit/kubelet/images.test.ts'),
    lifecycle: impl(`${LIFECYCLE_TEST}, test/unit/kubelet/sync-pod.test.ts`),
    livenessProbe: impl(PROBE_TESTS),
    name: impl('test/integration/foundation.test.ts'),
    ports: impl('test/integration/services-tutorial.test.ts'),
    readinessProbe: impl(PROBE_TESTS),
    resizePolicy: refused(),
    resources: impl(SEC_TEST),
    // on an init container: a native sidecar (decision 119); app containers may not set it (validation)
    restartPolicy: only(['Always'], 'native sidecars (initContainers[].restartPolicy: Always)'),
    securityContext: impl(SEC_TEST),
    startupProbe: impl(PROBE_TESTS),
    stdin: impl(STREAMS_ATTACH_TEST),
    stdinOnce: impl(STREAMS_ATTACH_TEST),
    terminationMessagePath: impl(`${LIFECYCLE_TEST}, test/unit/kubelet/termination-message.test.ts`),
    terminationMessagePolicy: impl(`${LIFECYCLE_TEST}, test/unit/kubelet/termination-message.test.ts`),
    tty: impl(STREAMS_ATTACH_TEST),
    volumeDevices: refused(),
    volumeMounts: impl(INIT_TEST),
    workingDir: impl('test/unit/runtime/create-options.test.ts'),
  },
  // The fields the apiserver lets an ephemeral container have (ports, probes, lifecycle, resources and
  // restartPolicy are refused by its validation: src/api/registry/ephemeral-containers.ts).
  EphemeralContainer: {
    args: impl(EPHEMERAL_TEST),
    command: impl(EPHEMERAL_TEST),
    env: impl(EPHEMERAL_TEST),
    envFrom: impl(EPHEMERAL_TEST),
    image: impl(EPHEMERAL_TEST),
    imagePullPolicy: impl(EPHEMERAL_TEST),
    lifecycle: refused('cannot be set for an Ephemeral Container'),
    livenessProbe: refused('cannot be set for an Ephemeral Container'),
    name: impl(EPHEMERAL_TEST),
    ports: refused('cannot be set for an Ephemeral Container'),
    readinessProbe: refused('cannot be set for an Ephemeral Container'),
    resizePolicy: refused('cannot be set for an Ephemeral Container'),
    resources: refused('cannot be set for an Ephemeral Container'),
    restartPolicy: refused('cannot be set for an Ephemeral Container'),
    securityContext: impl(`${EPHEMERAL_TEST} (the same privileged settings refused: security.ts)`),
    startupProbe: refused('cannot be set for an Ephemeral Container'),
    stdin: impl(EPHEMERAL_TEST),
    stdinOnce: impl(EPHEMERAL_TEST),
    targetContainerName: impl(`${EPHEMERAL_TEST} (its process namespace: docker --pid container:<id>)`),
    terminationMessagePath: impl(EPHEMERAL_TEST),
    terminationMessagePolicy: impl(EPHEMERAL_TEST),
    tty: impl(EPHEMERAL_TEST),
    volumeDevices: refused(),
    volumeMounts: impl(EPHEMERAL_TEST),
    workingDir: impl(EPHEMERAL_TEST),
  },
  Volume: {
    name: impl(INIT_TEST),
    emptyDir: impl(INIT_TEST),
    awsElasticBlockStore: refused(),
    azureDisk: refused(),
    azureFile: refused(),
    cephfs: refused(),
    cinder: refused(),
    configMap: impl(`${VOL_TEST}, ${KUBECTL_VOL_TEST}`),
    csi: refused(),
    downwardAPI: impl(VOL_TEST),
    ephemeral: refused(),
    fc: refused(),
    flexVolume: refused(),
    flocker: refused(),
    gcePersistentDisk: refused(),
    gitRepo: refused(),
    glusterfs: refused(),
    hostPath: refused(),
    iscsi: refused(),
    nfs: refused(),
    // the claim's bound PV: a Docker named volume (src/kubelet/volume-claims.ts, docs/storage.md)
    persistentVolumeClaim: impl(PVC_TEST),
    photonPersistentDisk: refused(),
    portworxVolume: refused(),
    projected: impl(`${VOL_TEST}, ${VOL_UNIT}`),
    quobyte: refused(),
    rbd: refused(),
    scaleIO: refused(),
    secret: impl(VOL_TEST),
    storageos: refused(),
    vsphereVolume: refused(),
  },
  // a Docker volume per pod and volume (decision 120); Memory: a tmpfs volume the sandbox holds (decision 133);
  // sizeLimit: the tmpfs size with Memory; on disk, measured and the pod evicted over it (decision 133)
  EmptyDirVolumeSource: { medium: only(['', 'Memory'], 'the node\'s disk or memory (tmpfs); HugePages are not implemented'), sizeLimit: impl(VOL_TEST) },
  PersistentVolumeClaimVolumeSource: { claimName: impl(PVC_TEST), readOnly: impl('test/unit/kubelet/volume-claims.test.ts') },
  ConfigMapVolumeSource: { defaultMode: impl(VOL_TEST), items: impl(VOL_TEST), name: impl(VOL_TEST), optional: impl(VOL_TEST) },
  SecretVolumeSource: { defaultMode: impl(VOL_TEST), items: impl(VOL_TEST), optional: impl(VOL_TEST), secretName: impl(VOL_TEST) },
  DownwardAPIVolumeSource: { defaultMode: impl(VOL_TEST), items: impl(VOL_TEST) },
  DownwardAPIVolumeFile: { fieldRef: impl(VOL_TEST), mode: impl(VOL_UNIT), path: impl(VOL_TEST), resourceFieldRef: impl(VOL_TEST) },
  ProjectedVolumeSource: { defaultMode: impl(VOL_UNIT), sources: impl(VOL_TEST) },
  VolumeProjection: {
    clusterTrustBundle: refused(),
    configMap: impl(VOL_TEST), downwardAPI: impl(VOL_TEST), secret: impl(VOL_TEST), serviceAccountToken: impl(VOL_UNIT),
  },
  ConfigMapProjection: { items: impl(VOL_UNIT), name: impl(VOL_TEST), optional: impl(VOL_UNIT) },
  SecretProjection: { items: impl(VOL_TEST), name: impl(VOL_TEST), optional: impl(VOL_UNIT) },
  DownwardAPIProjection: { items: impl(VOL_TEST) },
  ServiceAccountTokenProjection: { audience: impl(VOL_UNIT), expirationSeconds: impl(VOL_UNIT), path: impl(VOL_UNIT) },
  KeyToPath: { key: impl(VOL_TEST), mode: impl(VOL_TEST), path: impl(VOL_TEST) },
  VolumeMount: {
    mountPath: impl(INIT_TEST), name: impl(INIT_TEST), readOnly: impl(INIT_TEST),
    // every mount is private: None is what happens (the kubelet's default), the others need host mounts
    mountPropagation: only(['None'], 'mounts are private to the container (the default)'),
    recursiveReadOnly: refused(),
    // on configMap, secret, downwardAPI and projected volumes; refused on an emptyDir (decision 132)
    subPath: impl(`${VOL_TEST}, ${KUBECTL_VOL_TEST}`), subPathExpr: impl(VOL_TEST),
  },
  Toleration: {
    effect: impl(TAINTS), key: impl(TAINTS), operator: impl(TAINTS), tolerationSeconds: impl(TAINTS), value: impl(TAINTS),
  },
  // the scheduler's plugins (src/scheduler/plugins), as kube-scheduler's default profile
  Affinity: { nodeAffinity: impl(AFFINITY), podAffinity: impl(AFFINITY), podAntiAffinity: impl(AFFINITY) },
  NodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: impl(AFFINITY), requiredDuringSchedulingIgnoredDuringExecution: impl(AFFINITY) },
  NodeSelector: { nodeSelectorTerms: impl(AFFINITY) },
  NodeSelectorTerm: { matchExpressions: impl(AFFINITY), matchFields: impl(AFFINITY) },
  NodeSelectorRequirement: { key: impl(AFFINITY), operator: impl(AFFINITY), values: impl(AFFINITY) },
  PreferredSchedulingTerm: { preference: impl(AFFINITY), weight: impl(AFFINITY) },
  PodAffinity: { preferredDuringSchedulingIgnoredDuringExecution: impl(AFFINITY), requiredDuringSchedulingIgnoredDuringExecution: impl(AFFINITY) },
  PodAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: impl(AFFINITY), requiredDuringSchedulingIgnoredDuringExecution: impl(AFFINITY) },
  WeightedPodAffinityTerm: { podAffinityTerm: impl(AFFINITY), weight: impl(AFFINITY) },
  PodAffinityTerm: {
    labelSelector: impl(AFFINITY), namespaceSelector: impl(AFFINITY), namespaces: impl(AFFINITY), topologyKey: impl(AFFINITY),
    // MatchLabelKeysInPodAffinity (beta in 1.31): not implemented
    matchLabelKeys: refused(), mismatchLabelKeys: refused(),
  },
  TopologySpreadConstraint: {
    labelSelector: impl(SCHED_UNIT), maxSkew: impl(SCHED_UNIT), minDomains: impl(SCHED_UNIT), topologyKey: impl(SCHED_UNIT), whenUnsatisfiable: impl(SCHED_UNIT),
    matchLabelKeys: refused(),
    nodeAffinityPolicy: only(['Honor'], 'the default: only nodes that pass the pod\'s node affinity count'),
    nodeTaintsPolicy: only(['Ignore'], 'the default: tainted nodes count'),
  },
  LabelSelector: { matchExpressions: impl(AFFINITY), matchLabels: impl(AFFINITY) },
  LabelSelectorRequirement: { key: impl(AFFINITY), operator: impl(AFFINITY), values: impl(AFFINITY) },
  PodDNSConfig: { nameservers: impl(DNS_TEST), options: impl(DNS_TEST), searches: impl(DNS_TEST) },
  PodDNSConfigOption: { name: impl(DNS_TEST), value: impl(DNS_TEST) },
  HostAlias: { hostnames: impl(HOSTS_TEST), ip: impl(HOSTS_TEST) },
  PodOS: { name: only(['linux'], 'the node runs Linux containers') },
  EnvVar: {
    name: impl('test/unit/kubelet/env.test.ts'),
    value: impl('test/unit/kubelet/env.test.ts'),
    valueFrom: impl('test/unit/kubelet/env.test.ts'),
  },
  EnvVarSource: {
    configMapKeyRef: impl(ENV_TEST),
    fieldRef: impl(`test/unit/kubelet/env.test.ts, ${VOL_TEST} (status.podIP)`),
    resourceFieldRef: impl(ENV_TEST),
    secretKeyRef: impl(ENV_TEST),
  },
  ConfigMapKeySelector: { key: impl(ENV_TEST), name: impl(ENV_TEST), optional: impl(ENV_TEST) },
  SecretKeySelector: { key: impl(ENV_TEST), name: impl(ENV_TEST), optional: impl(ENV_TEST) },
  ResourceFieldSelector: { containerName: impl(ENV_TEST), divisor: impl(ENV_TEST), resource: impl(ENV_TEST) },
  EnvFromSource: { configMapRef: impl(ENV_TEST), prefix: impl(ENV_TEST), secretRef: impl(ENV_TEST) },
  ConfigMapEnvSource: { name: impl(ENV_TEST), optional: impl(ENV_TEST) },
  SecretEnvSource: { name: impl(ENV_TEST), optional: impl(ENV_TEST) },
  ObjectFieldSelector: {
    apiVersion: impl('test/unit/manifests/defaults.test.ts'),
    fieldPath: impl('test/unit/kubelet/env.test.ts'),
  },
  ContainerPort: {
    containerPort: impl('test/integration/services-tutorial.test.ts'),
    // the runtime publishes a hostPort on 127.0.0.1 only (create-options.ts); another address is refused
    hostIP: refused(),
    hostPort: impl('test/unit/runtime/create-options.test.ts'),
    name: impl('test/integration/probes-handlers.test.ts (named probe ports)'),
    protocol: impl('test/unit/runtime/create-options.test.ts'),
  },
  Probe: {
    exec: impl(PROBE_TESTS),
    failureThreshold: impl(PROBE_TESTS),
    grpc: impl(PROBE_TESTS),
    httpGet: impl(PROBE_TESTS),
    initialDelaySeconds: impl(PROBE_TESTS),
    periodSeconds: impl(PROBE_TESTS),
    successThreshold: impl(PROBE_TESTS),
    tcpSocket: impl(PROBE_TESTS),
    terminationGracePeriodSeconds: impl('test/unit/kubelet/pod-actions.test.ts'),
    timeoutSeconds: impl(PROBE_TESTS),
  },
  // postStart and preStop (lifecycle-hooks.ts, kill-container.ts, decision 124)
  Lifecycle: { postStart: impl(LIFECYCLE_TEST), preStop: impl(LIFECYCLE_TEST) },
  LifecycleHandler: {
    exec: impl(LIFECYCLE_TEST),
    httpGet: impl(LIFECYCLE_TEST),
    sleep: impl(LIFECYCLE_TEST),
    // Kubernetes accepts it (no validation) and its kubelet fails the hook when it runs ("invalid handler")
    tcpSocket: warned('deprecated: TCPSocket is not supported as a LifecycleHandler; the hook fails when it runs, as on Kubernetes'),
  },
  SleepAction: { seconds: impl(LIFECYCLE_TEST) },
  // the same types serve probes and lifecycle handlers
  ExecAction: { command: impl(`${PROBE_TESTS}; ${LIFECYCLE_TEST}`) },
  HTTPGetAction: {
    host: impl('test/integration/probes-handlers.test.ts'),
    httpHeaders: impl(`test/integration/probes-handlers.test.ts, ${LIFECYCLE_TEST}`),
    path: impl(`${PROBE_TESTS}; ${LIFECYCLE_TEST}`),
    port: impl(`${PROBE_TESTS}; ${LIFECYCLE_TEST} (named port)`),
    scheme: impl('test/integration/probes-handlers.test.ts'),
  },
  HTTPHeader: { name: impl('test/integration/probes-handlers.test.ts'), value: impl('test/integration/probes-handlers.test.ts') },
  TCPSocketAction: { host: impl(PROBE_TESTS), port: impl(PROBE_TESTS) },
  GRPCAction: { port: impl(PROBE_TESTS), service: impl(PROBE_TESTS) },
  ResourceRequirements: {
    claims: refused(),
    // keys other than cpu and memory are refused by resources.ts (unimplementedResources)
    limits: impl(SEC_TEST),
    requests: impl(SEC_TEST),
  },
  PodSecurityContext: {
    appArmorProfile: refused(),
    fsGroup: impl(`${SEC_TEST} (a supplementary group; configMap, secret, downwardAPI and projected files get it with group read: test/unit/kubelet/volume-files.test.ts, decision 130)`),
    fsGroupChangePolicy: refused(),
    runAsGroup: impl(SEC_TEST),
    runAsNonRoot: impl(SEC_TEST),
    runAsUser: impl(SEC_TEST),
    // Docker applies its default seccomp profile to every container: that is RuntimeDefault
    seccompProfile: impl('SeccompProfile.type is only RuntimeDefault, which the engine applies to every container'),
    seLinuxOptions: refused(),
    supplementalGroups: impl('test/unit/runtime/create-options-resources-security.test.ts'),
    sysctls: refused(),
    windowsOptions: refused(),
  },
  SecurityContext: {
    allowPrivilegeEscalation: impl('test/unit/runtime/create-options-resources-security.test.ts'),
    appArmorProfile: refused(),
    capabilities: impl('test/unit/runtime/create-options-resources-security.test.ts'),
    privileged: impl('test/unit/runtime/create-options-resources-security.test.ts (only with --allow-privileged: security.ts)'),
    procMount: only(['Default'], 'the default: the engine masks /proc as Kubernetes does'),
    readOnlyRootFilesystem: impl(SEC_TEST),
    runAsGroup: impl(SEC_TEST),
    runAsNonRoot: impl(SEC_TEST),
    runAsUser: impl(SEC_TEST),
    seccompProfile: impl('SeccompProfile.type is only RuntimeDefault, which the engine applies to every container'),
    seLinuxOptions: refused(),
    windowsOptions: refused(),
  },
  SeccompProfile: {
    localhostProfile: refused(),
    type: only(['RuntimeDefault'], "the engine's default seccomp profile is applied to every container"),
  },
  Capabilities: {
    add: impl('test/unit/runtime/create-options-resources-security.test.ts (only with --allow-privileged: security.ts)'),
    drop: impl(SEC_TEST),
  },
};

export interface PodFieldIssue {
  path: FieldPath;
  entry: Extract<FieldEntry, { status: 'refused' | 'warned' | 'only' }>;
  value: unknown;
}

/** The object type of a field (through lists and maps), or undefined for scalars. */
export function objectTypeOf(t: FieldType): string | undefined {
  if (t.kind === 'object') return t.name;
  if (t.kind === 'list' || t.kind === 'map') return objectTypeOf(t.of);
  return undefined;
}

/**
 * The fields of `value` (of API type `typeName`) that are not implemented: refused, warned, or set to a
 * value an `only` entry does not accept. Values of the wrong type were refused by the schema before.
 */
export function unimplementedFields(
  value: unknown, typeName: string, path: FieldPath, tables: Readonly<Record<string, Readonly<Record<string, FieldEntry>>>> = POD_FIELDS,
): PodFieldIssue[] {
  const out: PodFieldIssue[] = [];
  if (!value || typeof value !== 'object' || Array.isArray(value)) return out;
  const table = tables[typeName];
  const types = fieldsOf(typeName);
  if (!table || !types) return out;
  for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
    if (v === undefined || v === null) continue;
    const entry = table[name];
    const type = types.get(name);
    if (!entry || !type) continue; // unknown fields: unknown-fields.ts
    const at = path.child(name);
    if (entry.status === 'refused' || entry.status === 'warned') { out.push({ path: at, entry, value: v }); continue; }
    if (entry.status === 'only') { if (!entry.values.includes(v)) out.push({ path: at, entry, value: v }); continue; }
    const child = objectTypeOf(type);
    if (!child) continue;
    if (type.kind === 'list' && Array.isArray(v)) v.forEach((x, i) => out.push(...unimplementedFields(x, child, at.index(i), tables)));
    else if (type.kind === 'map' && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...unimplementedFields(x, child, at.key(k), tables));
    else out.push(...unimplementedFields(v, child, at, tables));
  }
  return out;
}
