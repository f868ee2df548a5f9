// `mini-kube node stop|start NAME` reach the running control plane here: two routes behind the API's
// bearer check, beside the dashboard's login route (mini-kube's own, not Kubernetes API paths).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Router } from '../api/http/router.js';
import { readObjectBody } from '../api/http/body.js';
import { StatusError } from '../kube/errors.js';
import type { SimulatedNodes } from './nodes.js';

export const NODE_STOP_PATH = '/mini-kube/nodes/stop';
export const NODE_START_PATH = '/mini-kube/nodes/start';

/** `made` resolves once the kubelets exist (the API answers before: decision 245). */
export function registerNodeRoutes(app: Router, made: Promise<SimulatedNodes>): void {
  const route = (action: 'stop' | 'start') => async (req: IncomingMessage, res: ServerResponse) => {
    try {
      const body = await readObjectBody(req);
      const nodes = await made;
      const name = typeof body['name'] === 'string' ? body['name'] : '';
      if (action === 'stop') await nodes.stopNode(name);
      else await nodes.startNode(name);
      json(res, 200, { name, running: nodes.isRunning(name) });
    } catch (err) {
      const code = err instanceof StatusError ? err.code : 500;
      const reason = err instanceof StatusError ? err.reason : 'InternalError';
      json(res, code, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: (err as Error).message, reason, code });
    }
  };
  app.post(NODE_STOP_PATH, route('stop'));
  app.post(NODE_START_PATH, route('start'));
}

function json(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}
