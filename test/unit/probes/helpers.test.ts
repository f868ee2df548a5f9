// The small pure pieces: $(VAR) expansion, port resolution, Go texts, the gRPC/protobuf wire format,
// probe defaults and the event messages.
import { describe, expect, it } from 'vitest';
import { expand, expandCommandOnlyStatic } from '../../../src/probes/expand.js';
import { atoi, canonicalHeaderKey, goDurationSeconds, goQuote, joinHostPort } from '../../../src/probes/go-format.js';
import {
  decodeGrpcMessage, decodeHealthCheckRequest, decodeHealthCheckResponse, encodeGrpcMessage, encodeHealthCheckRequest,
  encodeHealthCheckResponse, frameMessage, parseFrames, servingStatusName,
} from '../../../src/probes/grpc-wire.js';
import {
  livenessKillMessage, probeErroredMessage, probeFailedMessage, probeWarningMessage, startupKillMessage,
} from '../../../src/probes/messages.js';
import { resolveContainerPort } from '../../../src/probes/port.js';
import { parseContainerId } from '../../../src/kube/container-id.js';
import { ResultsCache } from '../../../src/probes/results.js';
import type { ProbeUpdate } from '../../../src/probes/results.js';
import { probeTimings } from '../../../src/probes/spec.js';

describe('$(VAR) expansion (static env only)', () => {
  const env = [
    { name: 'A', value: 'alpha' },
    { name: 'FROM', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
    { name: 'NESTED', value: '$(A)' },
  ];
  it.each([
    ['cat $(A)', 'cat alpha'],
    ['$(FROM)', ''], // valueFrom counts with an empty value
    ['$(NESTED)', '$(A)'], // values are not expanded again
    ['$(MISSING)', '$(MISSING)'],
    ['$$(A)', '$(A)'], // escaped
    ['$$', '$'],
    ['cost: $5', 'cost: $5'],
    ['$(A', '$(A'], // unterminated
    ['trailing $', 'trailing $'],
    ['$(A)$(A)', 'alphaalpha'],
  ])('%s → %s', (input, output) => {
    expect(expandCommandOnlyStatic([input], env)).toEqual([output]);
  });
  it('keeps arguments apart and handles no env', () => {
    expect(expandCommandOnlyStatic(['sh', '-c', 'echo $(X)'], undefined)).toEqual(['sh', '-c', 'echo $(X)']);
    expect(expand('$(X)-$(Y)', (n) => n.toLowerCase())).toBe('x-y');
  });
});

describe('resolveContainerPort', () => {
  const container = { ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }] };
  it('numbers, names of this container, numeric strings', () => {
    expect(resolveContainerPort(81, container)).toEqual({ port: 81 });
    expect(resolveContainerPort('metrics', container)).toEqual({ port: 9090 });
    expect(resolveContainerPort('8081', container)).toEqual({ port: 8081 });
  });
  it('Go error texts', () => {
    expect(resolveContainerPort('http', {})).toEqual({ error: 'strconv.Atoi: parsing "http": invalid syntax' });
    expect(resolveContainerPort('', {})).toEqual({ error: 'strconv.Atoi: parsing "": invalid syntax' });
    expect(resolveContainerPort('99999999999999999999', {})).toEqual({ error: 'strconv.Atoi: parsing "99999999999999999999": value out of range' });
    expect(resolveContainerPort(70000, {})).toEqual({ error: 'invalid port number: 70000' });
    expect(resolveContainerPort('-1', {})).toEqual({ error: 'invalid port number: -1' });
  });
});

describe('Go formatting', () => {
  it('quotes like %q', () => {
    expect(goQuote('cat tmp/healthcheck')).toBe('"cat tmp/healthcheck"');
    expect(goQuote('a"b\\c\n\x01')).toBe('"a\\"b\\\\c\\n\\x01"');
    expect(goQuote('héllo')).toBe('"héllo"');
  });
  it('durations, host:port, Atoi, header keys', () => {
    expect([1, 5, 60, 90, 3600].map(goDurationSeconds)).toEqual(['1s', '5s', '1m0s', '1m30s', '1h0m0s']);
    expect(joinHostPort('10.1.2.3', 80)).toBe('10.1.2.3:80');
    expect(joinHostPort('fd00::1', 80)).toBe('[fd00::1]:80');
    expect(atoi('+42')).toEqual({ value: 42 });
    expect(atoi(' 42')).toEqual({ error: 'strconv.Atoi: parsing " 42": invalid syntax' });
    expect(canonicalHeaderKey('x-custom-HEADER')).toBe('X-Custom-Header');
    expect(canonicalHeaderKey('user-agent')).toBe('User-Agent');
    expect(canonicalHeaderKey('bad header')).toBe('bad header');
  });
});

describe('gRPC health wire format', () => {
  it('round-trips requests and responses; defaults are left out as in proto3', () => {
    expect(encodeHealthCheckRequest('')).toHaveLength(0);
    expect(encodeHealthCheckRequest('svc')).toEqual(Buffer.from([0x0a, 3, 0x73, 0x76, 0x63]));
    expect(decodeHealthCheckRequest(encodeHealthCheckRequest('my.Service'))).toEqual({ service: 'my.Service' });
    expect(encodeHealthCheckResponse(0)).toHaveLength(0);
    expect(decodeHealthCheckResponse(Buffer.alloc(0))).toEqual({ status: 0 });
    expect(decodeHealthCheckResponse(encodeHealthCheckResponse(2))).toEqual({ status: 2 });
    // unknown fields are skipped
    expect(decodeHealthCheckResponse(Buffer.from([0x12, 1, 0x41, 0x08, 1]))).toEqual({ status: 1 });
  });
  it('frames with the 5-byte prefix', () => {
    const framed = frameMessage(Buffer.from([1, 2, 3]));
    expect(framed).toEqual(Buffer.from([0, 0, 0, 0, 3, 1, 2, 3]));
    expect(parseFrames(Buffer.concat([framed, frameMessage(Buffer.alloc(0))]))).toEqual([Buffer.from([1, 2, 3]), Buffer.alloc(0)]);
    expect(() => parseFrames(Buffer.from([0, 0, 0, 0, 9, 1]))).toThrow(/truncated/);
  });
  it('status names and grpc-message escaping', () => {
    expect([0, 1, 2, 3, 7].map(servingStatusName)).toEqual(['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN', '7']);
    expect(encodeGrpcMessage('50% ünï')).toBe('50%25 %C3%BCn%C3%AF');
    expect(decodeGrpcMessage('50%25 %C3%BCn%C3%AF')).toBe('50% ünï');
  });
});

describe('probe defaults', () => {
  it('SetDefaults_Probe: 0 or unset becomes the default', () => {
    expect(probeTimings({})).toEqual({ initialDelaySeconds: 0, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
    expect(probeTimings({ periodSeconds: 0, timeoutSeconds: 5, initialDelaySeconds: 7 })).toMatchObject({ periodSeconds: 10, timeoutSeconds: 5, initialDelaySeconds: 7 });
  });
});

describe('messages', () => {
  it('reads like the kubelet', () => {
    expect(probeFailedMessage('liveness', 'HTTP probe failed with statuscode: 500')).toBe('Liveness probe failed: HTTP probe failed with statuscode: 500');
    expect(probeWarningMessage('readiness', 'Probe terminated redirects, Response body: x')).toBe('Readiness probe warning: Probe terminated redirects, Response body: x');
    expect(probeErroredMessage('startup', 'unknown', 'strconv.Atoi: parsing "http": invalid syntax')).toBe('Startup probe errored and resulted in unknown state: strconv.Atoi: parsing "http": invalid syntax');
    expect(livenessKillMessage('liveness', true)).toBe('Container liveness failed liveness probe, will be restarted');
    expect(startupKillMessage('app', false)).toBe('Container app failed startup probe');
  });
});

describe('results cache', () => {
  it('publishes new and changed values only; remove is silent', () => {
    const seen: ProbeUpdate[] = [];
    const cache = new ResultsCache('readiness', (u) => seen.push(u));
    cache.set('c1', 'failure', 'p', 'app');
    cache.set('c1', 'failure', 'p', 'app');
    cache.set('c1', 'success', 'p', 'app');
    cache.remove('c1');
    cache.set('c1', 'success', 'p', 'app');
    expect(seen.map((u) => u.result)).toEqual(['failure', 'success', 'success']);
    expect(seen[0]).toEqual({ podUid: 'p', containerName: 'app', containerId: 'c1', type: 'readiness', result: 'failure' });
    expect(parseContainerId('docker://abc')).toBe('abc');
    expect(parseContainerId('abc')).toBe('abc');
  });
});
