// What cluster DNS answers from: a plain snapshot of Services, their endpoints and the pods that have DNS
// records, built by the control plane from the store and handed to the DNS server (which may run in another
// process or container: plain JSON, no store types).

export interface DnsServicePort {
  name?: string;
  port: number;
  protocol: 'TCP' | 'UDP' | 'SCTP';
}

export interface DnsEndpoint {
  ip: string;
  ready: boolean;
  /** endpoint hostname (pod spec.hostname when it has a subdomain equal to the Service) */
  hostname?: string;
  podName?: string;
}

export interface DnsService {
  namespace: string;
  name: string;
  type: 'ClusterIP' | 'NodePort' | 'LoadBalancer' | 'ExternalName';
  /** an IP, or 'None' for a headless Service */
  clusterIP?: string;
  externalName?: string;
  ports: DnsServicePort[];
  publishNotReadyAddresses?: boolean;
  endpoints: DnsEndpoint[];
}

export interface DnsPod {
  namespace: string;
  name: string;
  ip: string;
  hostname?: string;
  subdomain?: string;
}

export interface DnsSnapshot {
  /** 'cluster.local' */
  clusterDomain: string;
  services: DnsService[];
  pods: DnsPod[];
}
