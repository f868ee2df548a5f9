// The PersistentVolume controller (pkg/controller/volume/persistentvolume) with mini-kube's provisioner
// (docs/storage.md, decisions 210-213): binds claims to volumes, provisions a Docker named volume and its
// PV for a claim of a class whose provisioner is mini-kube.io/docker-volume, shows phases, and reclaims a
// volume whose claim is gone (Retain: Released; Delete: the Docker volume and the PV go). Level-triggered:
// each run reads the store; the engine calls (create, remove a Docker volume) run as async operations,
// one at a time per object, after which the object is synced again.
import type { PersistentVolume, PersistentVolumeClaim, Pod, StorageClass } from '../../kube/types.js';
import {
  ANN_BETA_STORAGE_PROVISIONER, ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER, ANN_PROVISIONED_BY, ANN_SELECTED_NODE,
  ANN_STORAGE_PROVISIONER, DOCKER_VOLUME_DRIVER, DOCKER_VOLUME_PROVISIONER, dockerVolumeOf, isDefaultClass, podClaimNames, provisionedVolumeName,
} from '../../kube/storage.js';
import { recordEvent, type EventSource } from '../../store/events.js';
import type { Store, Stored } from '../../store/store.js';
import { deepEqual } from '../../kube/canonical-json.js';
import { keyOf, splitKey, WorkQueue } from '../util/work-queue.js';
import { classOf, planUnboundClaim, volumePhase } from './binder.js';

export const PV_CONTROLLER: EventSource = { component: 'persistentvolume-controller' };
const PROVISIONER_SOURCE: EventSource = { component: DOCKER_VOLUME_PROVISIONER };

/** What the controller needs of the engine: the Docker volumes behind PVs (control-plane wires the runtime). */
export interface VolumeBackend {
  /** creates the named volume labelled with the cluster and the PV's name, or keeps the one there */
  create(volumeName: string, pvName: string): Promise<void>;
  /** removes the volumes labelled with the cluster and this PV's name (never another's); fails while one is in use */
  remove(pvName: string): Promise<void>;
}

/** Retry of a reclaim the engine refused (the volume still mounted by a container that is stopping). */
const RECLAIM_RETRY_MS = 2_000;

export class PersistentVolumeController {
  private readonly claims = new WorkQueue('persistentvolume-controller-claims', (key) => this.syncClaim(key));
  private readonly volumes = new WorkQueue('persistentvolume-controller-volumes', (name) => this.syncVolume(name));
  private readonly unwatch: (() => void)[] = [];
  /** object key -> the engine operation running for it (scheduleOperation: one per object) */
  private readonly operations = new Map<string, Promise<void>>();

  constructor(private readonly store: Store, private readonly backend: VolumeBackend | undefined, private readonly clusterId: string) {}

  start(): void {
    this.unwatch.push(this.store.watch({ kind: 'PersistentVolumeClaim' }, (e) => {
      const pvc = e.object as Stored<PersistentVolumeClaim>;
      this.claims.add(keyOf(pvc.metadata.namespace, pvc.metadata.name));
      if (pvc.spec?.volumeName) this.volumes.add(pvc.spec.volumeName);
      // a claim gone: the volumes that named it are released
      if (e.type === 'DELETED') for (const pv of this.claimedBy(pvc)) this.volumes.add(pv.metadata.name);
    }));
    this.unwatch.push(this.store.watch({ kind: 'PersistentVolume' }, (e) => {
      this.volumes.add(e.object.metadata.name);
      // a new or freed volume may fit a waiting claim
      for (const pvc of this.store.list<PersistentVolumeClaim>('PersistentVolumeClaim')) {
        if (!pvc.spec?.volumeName) this.claims.add(keyOf(pvc.metadata.namespace, pvc.metadata.name));
      }
    }));
    this.unwatch.push(this.store.watch({ kind: 'StorageClass' }, () => {
      for (const pvc of this.store.list<PersistentVolumeClaim>('PersistentVolumeClaim')) {
        if (!pvc.spec?.volumeName) this.claims.add(keyOf(pvc.metadata.namespace, pvc.metadata.name));
      }
    }));
    // a pod that stops using a claim may let its released volume be deleted
    this.unwatch.push(this.store.watch({ kind: 'Pod' }, (e) => {
      if (e.type !== 'DELETED' || !podClaimNames((e.object as Pod).spec).length) return;
      for (const pv of this.store.list<PersistentVolume>('PersistentVolume')) if (pv.status?.phase === 'Released') this.volumes.add(pv.metadata.name);
    }));
  }

  stop(): void {
    for (const u of this.unwatch.splice(0)) u();
    this.claims.stop();
    this.volumes.stop();
  }

  private claimedBy(pvc: Stored<PersistentVolumeClaim>): Stored<PersistentVolume>[] {
    return this.store.list<PersistentVolume>('PersistentVolume').filter((pv) => pv.spec?.claimRef?.uid === pvc.metadata.uid);
  }

  // ---- claims ----

  private syncClaim(key: string): number | undefined {
    const { namespace, name } = splitKey(key);
    let pvc = this.store.get<PersistentVolumeClaim>('PersistentVolumeClaim', namespace, name);
    if (!pvc || pvc.metadata.deletionTimestamp) return undefined;
    // Retroactive default StorageClass assignment (GA in 1.28): a claim without storageClassName gets the default class.
    if (pvc.spec?.storageClassName === undefined) {
      const def = this.store.list<StorageClass>('StorageClass').find(isDefaultClass);
      if (def) {
        pvc = this.store.mutate<PersistentVolumeClaim>('PersistentVolumeClaim', namespace, name, (c) => {
          if (c.spec?.storageClassName !== undefined) return false;
          c.spec = { ...c.spec, storageClassName: def.metadata.name };
        }) ?? pvc;
      }
    }
    if (pvc.spec?.volumeName) return this.syncBoundClaim(pvc);
    const volumes = this.store.list<PersistentVolume>('PersistentVolume');
    const classes = this.store.list<StorageClass>('StorageClass');
    const plan = planUnboundClaim(pvc, volumes, classes, !!pvc.metadata.annotations?.[ANN_SELECTED_NODE]);
    switch (plan.action) {
      case 'bind':
        this.bind(pvc, plan.volume as Stored<PersistentVolume>);
        return undefined;
      case 'provision':
        this.setClaimPhase(pvc, 'Pending');
        this.annotateProvisioner(pvc, plan.provisioner);
        if (plan.provisioner !== DOCKER_VOLUME_PROVISIONER || !this.backend) {
          this.claimEvent(pvc, 'Normal', 'ExternalProvisioning',
            `Waiting for a volume to be created either by the external provisioner '${plan.provisioner}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.`);
          return undefined;
        }
        this.provision(pvc, plan.storageClass);
        return undefined;
      case 'wait':
        this.setClaimPhase(pvc, 'Pending');
        this.claimEvent(pvc, plan.eventType, plan.reason, plan.message);
        return undefined;
    }
  }

  /** A claim that names its volume: bind the volume to it if it is not yet (a pre-bound claim), show Bound or Lost. */
  private syncBoundClaim(pvc: Stored<PersistentVolumeClaim>): undefined {
    const pv = this.store.get<PersistentVolume>('PersistentVolume', undefined, pvc.spec!.volumeName!);
    if (!pv) {
      if (pvc.status?.phase === 'Bound') this.claimEvent(pvc, 'Warning', 'ClaimLost', 'Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      this.setClaimPhase(pvc, 'Lost');
      return undefined;
    }
    const ref = pv.spec?.claimRef;
    if (!ref || (ref.name === pvc.metadata.name && (ref.namespace ?? '') === pvc.metadata.namespace && (!ref.uid || ref.uid === pvc.metadata.uid))) {
      this.bind(pvc, pv);
      return undefined;
    }
    // the volume is someone else's: the claim waits (as "Pending" with the controller's event)
    this.setClaimPhase(pvc, 'Pending');
    this.claimEvent(pvc, 'Warning', 'FailedBinding', 'volume "' + pv.metadata.name + '" already bound to a different claim.');
    return undefined;
  }

  /** bind(): the volume's claimRef first, then the claim's volumeName, each with its annotations, then the phases. */
  private bind(pvc: Stored<PersistentVolumeClaim>, pv: Stored<PersistentVolume>): void {
    const byController = !pv.spec?.claimRef;
    this.store.mutate<PersistentVolume>('PersistentVolume', undefined, pv.metadata.name, (v) => {
      const ref = { kind: 'PersistentVolumeClaim', namespace: pvc.metadata.namespace, name: pvc.metadata.name, uid: pvc.metadata.uid, apiVersion: 'v1', resourceVersion: pvc.metadata.resourceVersion };
      const was = JSON.stringify(v.spec?.claimRef ?? null);
      v.spec = { ...v.spec, claimRef: { ...v.spec?.claimRef, ...ref } };
      if (byController) v.metadata.annotations = { ...v.metadata.annotations, [ANN_BOUND_BY_CONTROLLER]: 'yes' };
      const phase = { ...v.status, phase: 'Bound' as const };
      if (was === JSON.stringify(v.spec.claimRef) && v.status?.phase === 'Bound') return false;
      v.status = phase;
    });
    const bound = this.store.mutate<PersistentVolumeClaim>('PersistentVolumeClaim', pvc.metadata.namespace, pvc.metadata.name, (c) => {
      const ann = { ...c.metadata.annotations, [ANN_BIND_COMPLETED]: 'yes', ...(c.spec?.volumeName ? {} : { [ANN_BOUND_BY_CONTROLLER]: 'yes' }) };
      const status = { ...c.status, phase: 'Bound' as const, accessModes: pv.spec?.accessModes, capacity: pv.spec?.capacity };
      if (c.spec?.volumeName === pv.metadata.name && deepEqual(c.status, status) && deepEqual(c.metadata.annotations, ann)) return false;
      c.spec = { ...c.spec, volumeName: pv.metadata.name };
      c.metadata.annotations = ann;
      c.status = status;
    });
    if (bound && pvc.status?.phase !== 'Bound') {
      this.volumes.add(pv.metadata.name);
    }
  }

  private setClaimPhase(pvc: Stored<PersistentVolumeClaim>, phase: 'Pending' | 'Lost'): void {
    this.store.mutate<PersistentVolumeClaim>('PersistentVolumeClaim', pvc.metadata.namespace, pvc.metadata.name, (c) => {
      if (c.status?.phase === phase) return false;
      c.status = { phase };
    });
  }

  private annotateProvisioner(pvc: Stored<PersistentVolumeClaim>, provisioner: string): void {
    this.store.mutate<PersistentVolumeClaim>('PersistentVolumeClaim', pvc.metadata.namespace, pvc.metadata.name, (c) => {
      if (c.metadata.annotations?.[ANN_STORAGE_PROVISIONER] === provisioner) return false;
      c.metadata.annotations = { ...c.metadata.annotations, [ANN_STORAGE_PROVISIONER]: provisioner, [ANN_BETA_STORAGE_PROVISIONER]: provisioner };
    });
  }

  /** An event on the claim, once per reason and message (the controller repeats them; the count is noise here). */
  private claimEvent(pvc: Stored<PersistentVolumeClaim>, type: 'Normal' | 'Warning', reason: string, message: string, source = PV_CONTROLLER): void {
    recordEvent(this.store, pvc, type, reason, message, { source });
  }

  /**
   * The provisioner (external-provisioner + mini-kube's driver): a Docker named volume, then the PV
   * `pvc-<claim uid>` pre-bound to the claim (the claim binds to it on its next sync).
   */
  private provision(pvc: Stored<PersistentVolumeClaim>, sc: Stored<StorageClass> | StorageClass): void {
    const key = `claim/${pvc.metadata.uid}`;
    if (this.operations.has(key)) return;
    const pvName = `pvc-${pvc.metadata.uid}`;
    if (this.store.get('PersistentVolume', undefined, pvName)) return;
    const volumeName = provisionedVolumeName(this.clusterId, pvName);
    this.claimEvent(pvc, 'Normal', 'Provisioning', `External provisioner is provisioning volume for claim "${pvc.metadata.namespace}/${pvc.metadata.name}"`, PROVISIONER_SOURCE);
    const op = this.backend!.create(volumeName, pvName).then(() => {
      const current = this.store.get<PersistentVolumeClaim>('PersistentVolumeClaim', pvc.metadata.namespace, pvc.metadata.name);
      if (!current || current.metadata.uid !== pvc.metadata.uid) {
        // the claim went while the volume was made: it is not left behind
        return this.backend!.remove(pvName);
      }
      if (!this.store.get('PersistentVolume', undefined, pvName)) {
        this.store.create<PersistentVolume>({
          apiVersion: 'v1', kind: 'PersistentVolume',
          metadata: { name: pvName, annotations: { [ANN_PROVISIONED_BY]: sc.provisioner } },
          spec: {
            accessModes: current.spec?.accessModes,
            capacity: { storage: current.spec?.resources?.requests?.['storage'] ?? '0' },
            claimRef: {
              kind: 'PersistentVolumeClaim', namespace: current.metadata.namespace, name: current.metadata.name, uid: current.metadata.uid,
              apiVersion: 'v1', resourceVersion: current.metadata.resourceVersion,
            },
            csi: { driver: DOCKER_VOLUME_DRIVER, volumeHandle: volumeName },
            persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
            storageClassName: classOf(current),
            volumeMode: current.spec?.volumeMode ?? 'Filesystem',
          },
          status: { phase: 'Pending' },
        });
        this.claimEvent(current, 'Normal', 'ProvisioningSucceeded', `Successfully provisioned volume ${pvName}`, PROVISIONER_SOURCE);
      }
      return undefined;
    }).catch((err: Error) => {
      const current = this.store.get<PersistentVolumeClaim>('PersistentVolumeClaim', pvc.metadata.namespace, pvc.metadata.name);
      if (current) this.claimEvent(current, 'Warning', 'ProvisioningFailed', `failed to provision volume with StorageClass "${sc.metadata?.name ?? ''}": ${err.message}`, PROVISIONER_SOURCE);
      this.claims.addAfter(keyOf(pvc.metadata.namespace, pvc.metadata.name), RECLAIM_RETRY_MS);
    }).finally(() => {
      this.operations.delete(key);
      this.claims.add(keyOf(pvc.metadata.namespace, pvc.metadata.name));
    });
    this.operations.set(key, op);
  }

  // ---- volumes ----

  private syncVolume(name: string): number | undefined {
    const pv = this.store.get<PersistentVolume>('PersistentVolume', undefined, name);
    if (!pv) return undefined;
    const ref = pv.spec?.claimRef;
    const claim = ref?.name ? this.store.get<PersistentVolumeClaim>('PersistentVolumeClaim', ref.namespace ?? 'default', ref.name) : undefined;
    const phase = volumePhase(pv, claim);
    if (pv.status?.phase !== phase) {
      this.store.mutate<PersistentVolume>('PersistentVolume', undefined, name, (v) => {
        if (v.status?.phase === phase) return false;
        v.status = { phase };
      });
    }
    if (phase === 'Available' && ref && claim && !claim.spec?.volumeName) this.claims.add(keyOf(claim.metadata.namespace, claim.metadata.name));
    if (phase !== 'Released') return undefined;
    if ((pv.spec?.persistentVolumeReclaimPolicy ?? 'Retain') === 'Retain') return undefined;
    return this.reclaimDelete(pv);
  }

  /**
   * reclaimPolicy Delete: the Docker volume and then the PV go, once no pod uses the claim any more
   * (what kubernetes.io/pvc-protection guarantees on a cluster: here the claim is already gone, so the
   * controller holds the volume until its pods are; decision 213).
   */
  private reclaimDelete(pv: Stored<PersistentVolume>): number | undefined {
    const ref = pv.spec!.claimRef!;
    const users = this.store.list<Pod>('Pod', ref.namespace ?? 'default').filter((p) =>
      podClaimNames(p.spec).includes(ref.name ?? '') && p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed');
    if (users.length) return RECLAIM_RETRY_MS;
    const key = `volume/${pv.metadata.uid}`;
    if (this.operations.has(key)) return undefined;
    const removal = dockerVolumeOf(pv) !== undefined && this.backend ? this.backend.remove(pv.metadata.name) : Promise.resolve();
    const op = removal.then(() => {
      const current = this.store.get<PersistentVolume>('PersistentVolume', undefined, pv.metadata.name);
      if (current && current.metadata.uid === pv.metadata.uid) this.store.delete('PersistentVolume', undefined, pv.metadata.name);
    }).catch((err: Error) => {
      recordEvent(this.store, pv, 'Warning', 'VolumeFailedDelete', err.message, { source: PV_CONTROLLER });
      this.volumes.addAfter(pv.metadata.name, RECLAIM_RETRY_MS);
    }).finally(() => this.operations.delete(key));
    this.operations.set(key, op);
    return undefined;
  }

  /** Resolves when the engine operations started so far are done (tests, shutdown). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.operations.values()]);
  }
}
