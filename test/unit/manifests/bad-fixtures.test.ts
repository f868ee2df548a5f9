// Every file in test/fixtures/bad is a broken or hostile manifest. Each must be refused, quickly, with a
// message that names the file and a line (or field), and says what is wrong in Kubernetes' words.
import { describe, it, expect } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { parseManifests, ManifestError } from '../../../src/manifests/index.js';

const dir = new URL('../../../test/fixtures/bad/', import.meta.url);

/** fixture → [line it must name, substring the message must contain] */
const EXPECTED: Record<string, [number, string]> = {
  'bad-image-pull-policy.yaml': [9, 'spec.containers[0].imagePullPolicy: Unsupported value: "always": supported values: "Always", "IfNotPresent", "Never"'],
  'bad-label-value.yaml': [14, "spec.template.metadata.labels: Invalid value: \"Kim Min-su\": a valid label must be an empty string or consist of alphanumeric characters"],
  'binary-junk.yaml': [3, 'the file contains a NUL byte, so it is binary data, not YAML'],
  'capabilities-add.yaml': [11, 'spec.containers[0].securityContext.capabilities.add: Forbidden: mini-kube refuses this because added capabilities (SYS_ADMIN)'],
  'container-port-out-of-range.yaml': [19, 'spec.template.spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
  'deep-json.json': [1, 'the document nests deeper than 100 levels'],
  'deep-nesting.yaml': [5, 'the document nests deeper than 100 levels'],
  'deployment-restart-policy-never.yaml': [15, 'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"'],
  'deployment-without-selector.yaml': [5, 'spec.selector: Required value'],
  'docker-socket-hostpath.yaml': [14, 'spec.volumes[0].hostPath: Forbidden: mini-kube refuses this because mounting the Docker socket (/var/run/docker.sock)'],
  'duplicate-container-names.yaml': [20, 'spec.template.spec.containers[1].name: Duplicate value: "web"'],
  'duplicate-key.yaml': [9, 'mapping key "image" already defined at line 8'],
  'env-value-is-a-number.yaml': [11, 'spec.containers[0].env[0].value: Invalid value: 8080: must be a string, not a number'],
  'host-network.yaml': [6, 'spec.hostNetwork: Forbidden: mini-kube refuses this'],
  'host-pid.yaml': [6, 'spec.hostPID: Forbidden: mini-kube refuses this'],
  'hostpath-etc.yaml': [14, 'spec.volumes[0].hostPath: Forbidden: mini-kube refuses this because a hostPath volume (/etc)'],
  'invalid-utf8.yaml': [4, 'the file is not valid UTF-8 text'],
  'liveness-success-threshold.yaml': [23, 'spec.template.spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1'],
  'low-host-port.yaml': [11, 'spec.containers[0].ports[0].hostPort: Forbidden: mini-kube refuses this because host port 80'],
  'lowercase-kind.yaml': [2, 'kind deployment is not supported by mini-kube (supported: Deployment, Pod, Service, ReplicaSet, Namespace, Endpoints, Event, ConfigMap, Secret, ServiceAccount, Node, Lease, PodDisruptionBudget)'],
  'max-surge-and-unavailable-zero.yaml': [10, 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: 0: may not be 0 when `maxSurge` is 0'],
  'max-unavailable-over-100-percent.yaml': [9, 'spec.strategy.rollingUpdate.maxUnavailable: Invalid value: "150%": must not be greater than 100%'],
  'misindented-key.yaml': [20, '`readinessProbe:` should line up with `ports:` on line 18'],
  'missing-apiversion.yaml': [1, 'apiVersion is missing for kind Pod'],
  'missing-colon.yaml': [8, 'a key and its value are separated by a colon and a space: `image: nginx:1.25`'],
  'missing-image.yaml': [7, 'spec.containers[0].image: Required value'],
  'missing-kind.yaml': [1, 'kind is missing'],
  'multi-doc-second-bad.yaml': [19, 'spec.containers[0].imagePullPolicy: Unsupported value: "Sometimes"'],
  'negative-replicas.yaml': [6, 'spec.replicas: Invalid value: -1: must be greater than or equal to 0'],
  'no-containers.yaml': [6, 'spec.containers: Required value'],
  'not-a-mapping.yaml': [1, 'a manifest must be a mapping'],
  'pod-restart-policy-unsupported.yaml': [6, 'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"'],
  'privileged-container.yaml': [10, 'spec.containers[0].securityContext.privileged: Forbidden: mini-kube refuses this because a container with it controls the whole machine; start the control plane with --allow-privileged if you really mean it'],
  'probe-bad-port-name.yaml': [23, 'readinessProbe.httpGet.port: Invalid value: "HTTP_PORT": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)'],
  'probe-empty-exec-command.yaml': [22, 'livenessProbe.exec.command: Required value'],
  'probe-lowercase-scheme.yaml': [24, 'readinessProbe.httpGet.scheme: Unsupported value: "http": supported values: "HTTP", "HTTPS"'],
  'probe-negative-period.yaml': [23, 'livenessProbe.periodSeconds: Invalid value: -5: must be greater than or equal to 0'],
  'probe-port-out-of-range.yaml': [23, 'livenessProbe.httpGet.port: Invalid value: 80800: must be between 1 and 65535, inclusive'],
  'probe-two-handlers.yaml': [23, 'livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type'],
  'probe-without-handler.yaml': [20, 'readinessProbe: Required value: must specify a handler type'],
  'readiness-termination-grace-period.yaml': [23, 'readinessProbe.terminationGracePeriodSeconds: Invalid value: 10: must not be set for readinessProbes'],
  'replicas-as-string.yaml': [6, 'spec.replicas: Invalid value: "three": must be an integer, not a string'],
  'selector-does-not-match-labels.yaml': [12, 'spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}: `selector` does not match template `labels`'],
  'service-affinity-timeout-too-long.yaml': [13, 'spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 100000: must be greater than 0 and less than 86400'],
  'service-duplicate-port-names.yaml': [11, 'spec.ports[1].name: Duplicate value: "web"'],
  'service-externalname.yaml': [8, 'spec.type: Unsupported value: "ExternalName": mini-kube does not serve ExternalName services'],
  'service-name-starts-with-digit.yaml': [4, 'metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters'],
  'service-nodeport-on-clusterip.yaml': [10, "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
  'service-nodeport-out-of-range.yaml': [11, 'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767'],
  'service-udp-port.yaml': [11, 'spec.ports[0].protocol: Unsupported value: "UDP": mini-kube\'s nodePort proxy serves TCP only (UDP is served on the ClusterIP)'],
  'service-unnamed-ports.yaml': [11, 'spec.ports[1].name: Required value'],
  'service-without-ports.yaml': [5, 'spec.ports: Required value'],
  'tab-indentation.yaml': [4, 'YAML does not allow tabs for indentation'],
  'unclosed-flow-sequence.yaml': [9, 'the [ opened here is never closed'],
  'unclosed-quote.yaml': [8, 'the quoted string that starts here is never closed'],
  'unknown-apiversion.yaml': [1, 'no matches for kind "Deployment" in version "apps/v2"'],
  'unresolved-alias.yaml': [8, 'Unresolved alias'],
  'unsupported-kind-persistentvolumeclaim.yaml': [2, 'kind PersistentVolumeClaim is not supported by mini-kube (supported: Deployment, Pod, Service, ReplicaSet, Namespace, Endpoints, Event, ConfigMap, Secret, ServiceAccount, Node, Lease, PodDisruptionBudget)'],
  'uppercase-deployment-name.yaml': [4, "metadata.name: Invalid value: \"MyWeb\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is"],
  'volume-mount-without-volume.yaml': [10, 'spec.containers[0].volumeMounts[0].name: Not found: "data"'],
  'yaml-bomb.yaml': [7, '"billion laughs"'],
};

describe('broken and hostile manifests in test/fixtures/bad', () => {
  const files = readdirSync(dir).sort();

  it('has at least 30 fixtures, each with an expectation', () => {
    expect(files.length).toBeGreaterThanOrEqual(30);
    expect(files.filter((f) => !(f in EXPECTED))).toEqual([]);
    expect(Object.keys(EXPECTED).filter((f) => !files.includes(f))).toEqual([]);
  });

  for (const file of Object.keys(EXPECTED).sort()) {
    it(`refuses ${file}`, () => {
      const [line, substring] = EXPECTED[file]!;
      const bytes = readFileSync(new URL(file, dir));
      const started = performance.now();
      let error: unknown;
      try {
        parseManifests(bytes, file);
      } catch (e) {
        error = e;
      }
      expect(performance.now() - started).toBeLessThan(1000);
      expect(error).toBeInstanceOf(ManifestError);
      const err = error as ManifestError;
      expect(err.message).toContain(substring);
      expect(err.message).toContain(`${file}:${line}:`);
      expect(err.source).toBe(file);
      expect(err.line).toBe(line);
      expect(err.message).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // no stack trace in the text
    });
  }
});
