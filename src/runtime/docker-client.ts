// The one place a dockerode client is constructed, so the runtime and the image builder connect alike.
import Docker from 'dockerode';

/**
 * A client for the engine at `socketPath`, or where DOCKER_HOST points (docker-modem reads it), or the
 * default /var/run/docker.sock. Keep one per process: Node 20's global agent keeps its connections alive.
 */
export function createDockerClient(socketPath?: string): Docker {
  return new Docker(socketPath ? { socketPath } : undefined);
}
