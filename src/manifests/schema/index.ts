// Reads the generated field table into a lookup: which fields a Kubernetes type has and what type each
// field is. The legacy Deployment versions had one field more (spec.rollbackTo), added here by hand.
import { KUBE_TYPES } from './k8s-schema.generated.js';

export type FieldType =
  | { kind: 'string' | 'integer' | 'boolean' | 'intOrString' | 'quantity' | 'time' | 'any' }
  | { kind: 'object'; name: string }
  | { kind: 'list'; of: FieldType }
  | { kind: 'map'; of: FieldType };

const SCALARS = new Set(['string', 'integer', 'boolean', 'intOrString', 'quantity', 'time', 'any']);

const EXTRA_TYPES: Record<string, string> = {
  // extensions/v1beta1 and apps/v1beta1 DeploymentSpec.rollbackTo (removed in apps/v1).
  LegacyDeployment: 'apiVersion:string kind:string metadata:ObjectMeta spec:LegacyDeploymentSpec status:DeploymentStatus',
  LegacyDeploymentSpec: `${KUBE_TYPES.DeploymentSpec} rollbackTo:RollbackConfig`,
  RollbackConfig: 'revision:integer',
  // ConfigMap and Secret (core/v1), written by hand: the generated table covers the pod-carrying kinds.
  ConfigMap: 'apiVersion:string binaryData:{}string data:{}string immutable:boolean kind:string metadata:ObjectMeta',
  Secret: 'apiVersion:string data:{}string immutable:boolean kind:string metadata:ObjectMeta stringData:{}string type:string',
  // ServiceAccount and Node (core/v1), by hand too; a Node's status is the kubelet's (any shape is read).
  ServiceAccount: 'apiVersion:string automountServiceAccountToken:boolean imagePullSecrets:[]LocalObjectReference kind:string metadata:ObjectMeta secrets:[]ObjectReference',
  Node: 'apiVersion:string kind:string metadata:ObjectMeta spec:NodeSpec status:any',
  NodeSpec: 'configSource:any externalID:string podCIDR:string podCIDRs:[]string providerID:string taints:[]Taint unschedulable:boolean',
  Taint: 'effect:string key:string timeAdded:time value:string',
  // HorizontalPodAutoscaler (autoscaling/v2), by hand; the metric sources mini-kube refuses (object, pods,
  // external, containerResource) are read as any shape and refused by validation, naming the field.
  HorizontalPodAutoscaler: 'apiVersion:string kind:string metadata:ObjectMeta spec:HorizontalPodAutoscalerSpec status:any',
  HorizontalPodAutoscalerSpec: 'behavior:HorizontalPodAutoscalerBehavior maxReplicas:integer metrics:[]MetricSpec minReplicas:integer scaleTargetRef:CrossVersionObjectReference',
  CrossVersionObjectReference: 'apiVersion:string kind:string name:string',
  MetricSpec: 'containerResource:any external:any object:any pods:any resource:ResourceMetricSource type:string',
  ResourceMetricSource: 'name:string target:MetricTarget',
  MetricTarget: 'averageUtilization:integer averageValue:quantity type:string value:quantity',
  HorizontalPodAutoscalerBehavior: 'scaleDown:HPAScalingRules scaleUp:HPAScalingRules',
  HPAScalingRules: 'policies:[]HPAScalingPolicy selectPolicy:string stabilizationWindowSeconds:integer',
  HPAScalingPolicy: 'periodSeconds:integer type:string value:integer',
  // coordination.k8s.io/v1 Lease and policy/v1 PodDisruptionBudget (issue #18), by hand as well
  Lease: 'apiVersion:string kind:string metadata:ObjectMeta spec:LeaseSpec',
  LeaseSpec: 'acquireTime:time holderIdentity:string leaseDurationSeconds:integer leaseTransitions:integer preferredHolder:string renewTime:time strategy:string',
  PodDisruptionBudget: 'apiVersion:string kind:string metadata:ObjectMeta spec:PodDisruptionBudgetSpec status:any',
  PodDisruptionBudgetSpec: 'maxUnavailable:intOrString minAvailable:intOrString selector:LabelSelector unhealthyPodEvictionPolicy:string',
};

export function parseTypeToken(token: string): FieldType {
  if (token.startsWith('[]')) return { kind: 'list', of: parseTypeToken(token.slice(2)) };
  if (token.startsWith('{}')) return { kind: 'map', of: parseTypeToken(token.slice(2)) };
  if (SCALARS.has(token)) return { kind: token as 'string' };
  return { kind: 'object', name: token };
}

const cache = new Map<string, ReadonlyMap<string, FieldType>>();

/** The fields of an API type ("Container", "PodSpec", ...), or undefined for an unknown type name. */
export function fieldsOf(typeName: string): ReadonlyMap<string, FieldType> | undefined {
  const hit = cache.get(typeName);
  if (hit) return hit;
  const spec = EXTRA_TYPES[typeName] ?? KUBE_TYPES[typeName];
  if (spec === undefined) return undefined;
  const fields = new Map<string, FieldType>();
  for (const pair of spec.split(' ')) {
    if (!pair) continue;
    const i = pair.indexOf(':');
    fields.set(pair.slice(0, i), parseTypeToken(pair.slice(i + 1)));
  }
  cache.set(typeName, fields);
  return fields;
}

/** Root type of each kind and version mini-kube reads. */
export function rootTypeFor(kind: string, legacy: boolean): string {
  return kind === 'Deployment' && legacy ? 'LegacyDeployment' : kind;
}
