// dockerode loads, with its first require, a gRPC stack (@grpc/grpc-js, @grpc/proto-loader, protobufjs:
// lib/session.js, used only by BuildKit builds, `buildImage({ version: '2' })`) and docker-modem loads an
// SSH client (ssh2: lib/ssh.js, used only for an ssh:// DOCKER_HOST). Neither is used by mini-kube's
// engine calls, yet they were a third of the control plane's start-up and ~10 MB of its idle memory
// (bench/startup, bench/idle). This module, imported before dockerode (docker-client.ts), puts a stand-in
// for each into Node's module cache: the same function, which loads the real module on its first call.
import { createRequire } from 'node:module';

const fromDockerode = createRequire(createRequire(import.meta.url).resolve('dockerode'));

function loadOnFirstCall(file: string): void {
  if (fromDockerode.cache[file]) return; // dockerode was loaded before us: nothing to save
  let real: ((...args: unknown[]) => unknown) | undefined;
  const standIn = {
    id: file, filename: file, loaded: true, children: [], paths: [],
    exports: function (this: unknown, ...args: unknown[]): unknown {
      if (!real) {
        delete fromDockerode.cache[file];
        real = fromDockerode(file) as (...a: unknown[]) => unknown;
      }
      return real.apply(this, args);
    },
  };
  fromDockerode.cache[file] = standIn as unknown as NodeJS.Module;
}

loadOnFirstCall(fromDockerode.resolve('./session.js'));
loadOnFirstCall(fromDockerode.resolve('docker-modem/lib/ssh.js'));
