// The dashboard as the control plane runs it beside the API server. The control plane does not import
// front ends (they sit above it, eslint.config.js); the CLI and the library pass this in, and the control
// plane wires it: the login route on the API server first, then the page once the API listens. The page's
// server and its API client load in start(): passing the addon in costs the API's first answer nothing.
import type { DashboardAddon } from '../control-plane/control-plane.js';
import { registerDashboardLogin } from './login.js';

export const dashboardAddon: DashboardAddon = {
  registerLogin: registerDashboardLogin,
  async start({ store, api, sources, log }) {
    const [{ ApiClient }, { startDashboard }] = await Promise.all([import('../client/api-client.js'), import('./server.js')]);
    const client = new ApiClient({ url: api.url, token: api.token, caPem: api.caPem });
    const dashboard = await startDashboard({ store, client, sources, log }).catch((err: unknown) => {
      client.close();
      throw err;
    });
    return {
      ...dashboard,
      async close() {
        await dashboard.close();
        client.close();
      },
    };
  },
};
