// What a client gets when a Service has no pod to send it to. kube-proxy rejects the connection; we do
// better for people: an HTTP client gets a 503 whose body names the Service and how many pods match and
// are ready. Anything that does not speak HTTP first has its connection closed.
import type { Socket } from 'node:net';

const HTTP_METHOD = /^(GET|POST|PUT|DELETE|HEAD|OPTIONS|PATCH|CONNECT|TRACE) /;
/** how long to wait for a client's first bytes before deciding it is not an HTTP client */
const FIRST_BYTES_MS = 500;

export function noEndpointsMessage(service: string, namespace: string, matching: number, ready: number): string {
  return `mini-kube: service "${service}" (namespace ${namespace}) has no ready endpoint: ${matching} pod(s) match its selector, ${ready} ready\n`;
}

export function rejectWithoutEndpoints(client: Socket, service: string, namespace: string, matching: number, ready: number): void {
  const timer = setTimeout(() => client.destroy(), FIRST_BYTES_MS);
  client.once('data', (chunk: Buffer) => {
    clearTimeout(timer);
    if (!HTTP_METHOD.test(chunk.subarray(0, 8).toString('latin1'))) {
      client.destroy();
      return;
    }
    client.end(http503(noEndpointsMessage(service, namespace, matching, ready)));
  });
  client.resume();
}

/** After every endpoint failed: a 503 if the client's first bytes were HTTP, else a plain close. */
export function reject503(client: Socket, first: Buffer | undefined, service: string, namespace: string, matching: number): void {
  if (first && HTTP_METHOD.test(first.subarray(0, 8).toString('latin1'))) {
    client.end(http503(noEndpointsMessage(service, namespace, matching, 0)));
  } else {
    client.destroy();
  }
}

export function http503(body: string): string {
  return 'HTTP/1.1 503 Service Unavailable\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${Buffer.byteLength(body)}\r\n` +
    'Connection: close\r\n\r\n' + body;
}
