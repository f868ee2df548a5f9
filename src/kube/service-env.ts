// The Service environment variables a container gets, as the kubelet's getServiceEnvVarMap and
// pkg/kubelet/envvars (FromServices) make them: for every Service with a cluster IP in the pod's namespace
// (only when enableServiceLinks is not false) and always for `kubernetes` in `default`, <NAME>_SERVICE_HOST,
// <NAME>_SERVICE_PORT, <NAME>_SERVICE_PORT_<PORTNAME>, and the docker-links ones (<NAME>_PORT,
// <NAME>_PORT_<port>_<PROTO>, _PROTO, _PORT, _ADDR). Only the Services that exist when the container is
// created count: a later Service changes nothing until the container is made again, as on Kubernetes.
import type { Pod, Service } from './types.js';

/** the master Services every pod sees, whatever its namespace or enableServiceLinks */
const MASTER_SERVICES = new Set(['kubernetes']);

function hasClusterIP(s: Service): boolean {
  const ip = s.spec?.clusterIP;
  return !!ip && ip !== 'None' && (s.spec?.ports?.length ?? 0) > 0;
}

/** makeEnvVariableName */
function envName(name: string): string {
  return name.replace(/-/g, '_').toUpperCase();
}

function hostPort(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** envvars.FromServices for one Service, in the kubelet's order */
export function serviceEnvVars(s: Service): { name: string; value: string }[] {
  if (!hasClusterIP(s)) return [];
  const ip = s.spec!.clusterIP!;
  const ports = s.spec!.ports!;
  const prefix = envName(s.metadata?.name ?? '');
  const out: { name: string; value: string }[] = [
    { name: `${prefix}_SERVICE_HOST`, value: ip },
    { name: `${prefix}_SERVICE_PORT`, value: String(ports[0]!.port) },
  ];
  for (const p of ports) if (p.name) out.push({ name: `${prefix}_SERVICE_PORT_${envName(p.name)}`, value: String(p.port) });
  ports.forEach((p, i) => {
    const proto = p.protocol || 'TCP';
    const url = `${proto.toLowerCase()}://${hostPort(ip, p.port)}`;
    if (i === 0) out.push({ name: `${prefix}_PORT`, value: url });
    const pp = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    out.push(
      { name: pp, value: url },
      { name: `${pp}_PROTO`, value: proto.toLowerCase() },
      { name: `${pp}_PORT`, value: String(p.port) },
      { name: `${pp}_ADDR`, value: ip },
    );
  });
  return out;
}

/** getServiceEnvVarMap: the variables for a pod from the Services that exist now (a map: name -> value) */
export function serviceEnvMap(pod: Pod, services: readonly Service[]): Map<string, string> {
  const ns = pod.metadata?.namespace ?? 'default';
  const links = pod.spec?.enableServiceLinks !== false;
  const chosen = new Map<string, Service>();
  for (const s of services) {
    if (!hasClusterIP(s)) continue;
    const name = s.metadata?.name ?? '';
    const sns = s.metadata?.namespace ?? 'default';
    if (sns === 'default' && MASTER_SERVICES.has(name)) {
      if (!chosen.has(name)) chosen.set(name, s);
    } else if (sns === ns && links) {
      // a Service of the pod's own namespace named like a master one takes its place
      chosen.set(name, s);
    }
  }
  const out = new Map<string, string>();
  // the kubelet walks a map (random order); a sorted walk makes the container's env reproducible
  for (const name of [...chosen.keys()].sort()) for (const v of serviceEnvVars(chosen.get(name)!)) out.set(v.name, v.value);
  return out;
}
