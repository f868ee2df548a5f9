// Where the OpenAPI schemas come from: the upstream generated.proto files vendored in
// src/api/protobuf/proto (Apache-2.0). They carry every field of every Kubernetes type, its wire type
// and its Go doc comment, with the markers the apiserver's openapi-gen reads (+optional, +patchMergeKey,
// +patchStrategy, +listType, +listMapKey, +mapType, +structType) — which is all `kubectl explain`,
// client-side validation and strategic merge patch read from OpenAPI. So one source serves the protobuf
// codec and OpenAPI, and a kind added to src/kube/kinds.ts (with its group's generated.proto vendored for
// the codec) appears in OpenAPI with no edit here.
//
// Parsed with protobufjs' full build (the codec uses the light one), only when a client first asks for
// an OpenAPI document: never on the `get pods` path.
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import protobuf from 'protobufjs';

/**
 * The vendored proto tree, from src/ (tests), or the package's src/ above dist/src/api/openapi (the built
 * package ships it) or above dist/src/cli-bundle (the CLI's bundle, where this code runs from a chunk).
 */
function protoRoot(): string {
  const candidates = ['../protobuf/proto', '../../../../src/api/protobuf/proto', '../../../src/api/protobuf/proto'].map((p) => fileURLToPath(new URL(p, import.meta.url)));
  const found = candidates.find((dir) => existsSync(join(dir, 'k8s.io')));
  if (!found) throw new Error(`the vendored generated.proto files are missing (looked in ${candidates.join(', ')})`);
  return found;
}

/** The proto package of a group/version, as k8s.io/api lays them out: "" -> core, "storage.k8s.io" -> storage. */
export function protoPackage(group: string, version: string): string {
  return `k8s.io.api.${group === '' ? 'core' : group.split('.')[0]}.${version}`;
}

function protoFile(pkg: string): string {
  return `k8s.io/${pkg.slice('k8s.io.'.length).replace(/\./g, '/')}/generated.proto`;
}

export interface ProtoSource {
  root: protobuf.Root;
  /** the message for group/version/kind, or undefined when that group's generated.proto is not vendored */
  message(group: string, version: string, kind: string): protobuf.Type | undefined;
}

/** Loads the generated.proto of every given group/version (and what they import), comments kept. */
export function loadProtoSource(groupVersions: Iterable<{ group: string; version: string }>): ProtoSource {
  const dir = protoRoot();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (isAbsolute(target) ? target : join(dir, target));
  const files = new Set<string>();
  for (const gv of groupVersions) {
    const file = join(dir, protoFile(protoPackage(gv.group, gv.version)));
    if (existsSync(file)) files.add(file);
  }
  root.loadSync([...files], { keepCase: true, alternateCommentMode: true });
  root.resolveAll();
  return {
    root,
    message(group, version, kind) {
      const found = root.lookup(`${protoPackage(group, version)}.${kind}`);
      return found instanceof protobuf.Type ? found : undefined;
    },
  };
}
