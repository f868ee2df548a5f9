// The contract between the kubelet and the API's token issuer (the TokenRequest API): the kubelet asks for a
// pod-bound service-account token when it fills a projected volume's `serviceAccountToken` source; the
// control plane passes an implementation in (the kubelet does not import the API).

export interface ServiceAccountTokenRequest {
  namespace: string;
  serviceAccountName: string;
  /** projected source `audience`, or the API's own audience when empty */
  audiences: string[];
  /** projected source `expirationSeconds` (default 3607, minimum 600) */
  expirationSeconds: number;
  /** the pod the token is bound to: it stops working when this pod is gone */
  podName: string;
  podUid: string;
}

export interface ServiceAccountToken {
  token: string;
  /** RFC 3339 */
  expirationTimestamp: string;
}

export interface ServiceAccountTokenSource {
  requestToken(req: ServiceAccountTokenRequest): Promise<ServiceAccountToken>;
}
