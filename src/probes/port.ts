// probe.ResolveContainerPort (pkg/probe/util.go): how an httpGet/tcpSocket `port` becomes a number.
import type { Container } from '../kube/types.js';
import { atoi } from './go-format.js';

/**
 * An int is used as is; a string is looked up by name in THIS container's `ports[]`, then parsed with
 * strconv.Atoi. Failing both is a prober error (the event reads
 * `... probe errored and resulted in unknown state: strconv.Atoi: parsing "http": invalid syntax`).
 */
export function resolveContainerPort(
  port: number | string,
  container: Pick<Container, 'ports'>,
): { port: number } | { error: string } {
  let value: number;
  if (typeof port === 'number') {
    value = port;
  } else {
    const named = container.ports?.find((p) => p.name === port);
    if (named) {
      value = named.containerPort;
    } else {
      const parsed = atoi(port);
      if ('error' in parsed) return parsed;
      value = parsed.value;
    }
  }
  if (Number.isInteger(value) && value > 0 && value < 65536) return { port: value };
  return { error: `invalid port number: ${value}` };
}
