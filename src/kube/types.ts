// Kubernetes object types for the whole code base, from the kubernetes-types library. That library
// marks every field readonly; controllers build and change objects, so we strip readonly once here.
import type * as core from 'kubernetes-types/core/v1.js';
import type * as apps from 'kubernetes-types/apps/v1.js';
import type * as batch from 'kubernetes-types/batch/v1.js';
import type * as meta from 'kubernetes-types/meta/v1.js';
import type * as storage from 'kubernetes-types/storage/v1.js';
import type * as autoscaling from 'kubernetes-types/autoscaling/v2.js';
import type * as coordination from 'kubernetes-types/coordination/v1.js';
import type * as policy from 'kubernetes-types/policy/v1.js';

export type Mutable<T> = T extends (...args: never[]) => unknown
  ? T
  : T extends readonly (infer U)[]
    ? Mutable<U>[]
    : T extends object
      ? { -readonly [K in keyof T]: Mutable<T[K]> }
      : T;

export type Pod = Mutable<core.Pod>;
export type PodSpec = Mutable<core.PodSpec>;
export type PodStatus = Mutable<core.PodStatus>;
export type PodCondition = Mutable<core.PodCondition>;
export type PodTemplateSpec = Mutable<core.PodTemplateSpec>;
export type Container = Mutable<core.Container>;
export type ContainerPort = Mutable<core.ContainerPort>;
export type ContainerStatus = Mutable<core.ContainerStatus>;
export type ContainerState = Mutable<core.ContainerState>;
export type Probe = Mutable<core.Probe>;
export type Service = Mutable<core.Service>;
export type ServicePort = Mutable<core.ServicePort>;
export type Endpoints = Mutable<core.Endpoints>;
export type EndpointSubset = Mutable<core.EndpointSubset>;
export type EndpointAddress = Mutable<core.EndpointAddress>;
export type Event = Mutable<core.Event>;
export type ObjectReference = Mutable<core.ObjectReference>;
export type Namespace = Mutable<core.Namespace>;
export type ConfigMap = Mutable<core.ConfigMap>;
export type Secret = Mutable<core.Secret>;
export type ServiceAccount = Mutable<core.ServiceAccount>;
export type Volume = Mutable<core.Volume>;
export type VolumeMount = Mutable<core.VolumeMount>;
export type Node = Mutable<core.Node>;
export type NodeCondition = Mutable<core.NodeCondition>;
export type Taint = Mutable<core.Taint>;
export type Toleration = Mutable<core.Toleration>;
export type Affinity = Mutable<core.Affinity>;
export type NodeSelectorTerm = Mutable<core.NodeSelectorTerm>;
export type NodeSelectorRequirement = Mutable<core.NodeSelectorRequirement>;
export type PodAffinityTerm = Mutable<core.PodAffinityTerm>;
export type TopologySpreadConstraint = Mutable<core.TopologySpreadConstraint>;
export type Binding = Mutable<core.Binding>;
export type Lease = Mutable<coordination.Lease>;
export type PodDisruptionBudget = Mutable<policy.PodDisruptionBudget>;
export type Eviction = Mutable<policy.Eviction>;
export type EnvFromSource = Mutable<core.EnvFromSource>;
export type EnvVar = Mutable<core.EnvVar>;
export type Deployment = Mutable<apps.Deployment>;
export type DeploymentSpec = Mutable<apps.DeploymentSpec>;
export type DeploymentStatus = Mutable<apps.DeploymentStatus>;
export type DeploymentCondition = Mutable<apps.DeploymentCondition>;
export type ReplicaSet = Mutable<apps.ReplicaSet>;
export type ReplicaSetStatus = Mutable<apps.ReplicaSetStatus>;
export type DaemonSet = Mutable<apps.DaemonSet>;
export type DaemonSetStatus = Mutable<apps.DaemonSetStatus>;
export type ControllerRevision = Mutable<apps.ControllerRevision>;
export type Job = Mutable<batch.Job>;
export type JobSpec = Mutable<batch.JobSpec>;
export type JobStatus = Mutable<batch.JobStatus>;
export type JobCondition = Mutable<batch.JobCondition>;
export type CronJob = Mutable<batch.CronJob>;
export type CronJobStatus = Mutable<batch.CronJobStatus>;
export type PersistentVolumeClaim = Mutable<core.PersistentVolumeClaim>;
export type PersistentVolume = Mutable<core.PersistentVolume>;
export type StorageClass = Mutable<storage.StorageClass>;
export type StatefulSet = Mutable<apps.StatefulSet>;
export type StatefulSetStatus = Mutable<apps.StatefulSetStatus>;
export type HorizontalPodAutoscaler = Mutable<autoscaling.HorizontalPodAutoscaler>;
export type HorizontalPodAutoscalerSpec = Mutable<autoscaling.HorizontalPodAutoscalerSpec>;
export type HorizontalPodAutoscalerStatus = Mutable<autoscaling.HorizontalPodAutoscalerStatus>;
export type HorizontalPodAutoscalerCondition = Mutable<autoscaling.HorizontalPodAutoscalerCondition>;
export type HPAScalingRules = Mutable<autoscaling.HPAScalingRules>;
export type MetricSpec = Mutable<autoscaling.MetricSpec>;
export type MetricStatus = Mutable<autoscaling.MetricStatus>;
export type ObjectMeta = Mutable<meta.ObjectMeta>;
export type LabelSelector = Mutable<meta.LabelSelector>;
export type OwnerReference = Mutable<meta.OwnerReference>;

/** Any object of any kind, as a client sends it. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: ObjectMeta;
  [field: string]: unknown;
}

/** An object that has been stored: its metadata is filled in. */
export type Stored<T extends KubeObject = KubeObject> = T & {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta & { name: string; uid: string; resourceVersion: string; creationTimestamp: string };
};
