// Where the cluster DNS server (src/dns, started in agent.js) finds its data: the latest DnsSnapshot the control
// plane sent (src/kube/dns-snapshot.ts), and a way to hear of the next one.

let latest;
const listeners = new Set();

export function setDnsSnapshot(snapshot) {
  latest = snapshot;
  for (const l of listeners) l(snapshot);
}

/** the latest snapshot, or undefined before the control plane sent one */
export function dnsSnapshot() {
  return latest;
}

/** calls onSnapshot with every new snapshot; returns a function that stops it */
export function onDnsSnapshot(onSnapshot) {
  listeners.add(onSnapshot);
  return () => listeners.delete(onSnapshot);
}
