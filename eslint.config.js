// Lint rules on top of `tsc` (which already checks types strictly): the recommended sets of ESLint and
// typescript-eslint, without type information so that a run stays a few seconds.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Folders are Kubernetes components and import only downwards (docs/architecture.md, docs/decisions/097):
//   front ends   cli > lib, demo, dashboard       talk to the API (lib and cli also start a control plane)
//   client                                         the API client
//   control-plane                                  the wiring, one process like k3s's server
//   api, controllers, kubelet (> probes), service-proxy   the components, which never import each other
//   manifests, printers                            admission and kubectl's printers, shared by the above
//   metrics                                        metrics-server's storage and scraper, fed by the kubelet
//                                                  through an interface; read by the API and the HPA controller
//   store > runtime > kube                         state, the engine, the shared vocabulary
// Each folder lists what it may not import. Where two components cooperate, the lower one exports an
// interface and control-plane passes the implementation in; a shared rule moves down to src/kube.
const FRONT_ENDS = ['cli', 'dashboard', 'demo', 'lib'];
const COMPONENTS = ['api', 'controllers', 'kubelet', 'scheduler', 'service-proxy', 'probes', 'dns'];
const ABOVE_COMPONENTS = ['control-plane', 'client', ...FRONT_ENDS];
const ABOVE_STORE = ['manifests', 'printers', 'metrics', ...COMPONENTS, ...ABOVE_COMPONENTS];
const FORBIDDEN = {
  kube: ['runtime', 'store', ...ABOVE_STORE],
  runtime: ['store', ...ABOVE_STORE],
  store: ABOVE_STORE,
  manifests: ['printers', ...COMPONENTS, ...ABOVE_COMPONENTS],
  printers: ['manifests', ...COMPONENTS, ...ABOVE_COMPONENTS],
  metrics: ['runtime', 'store', 'manifests', 'printers', ...COMPONENTS, ...ABOVE_COMPONENTS],
  probes: ['store', 'manifests', 'printers', 'api', 'controllers', 'kubelet', 'scheduler', 'service-proxy', ...ABOVE_COMPONENTS],
  // only the kubelet talks to Docker; the apiserver asks the kubelet (an interface control-plane wires)
  api: ['runtime', 'controllers', 'kubelet', 'scheduler', 'service-proxy', 'probes', ...ABOVE_COMPONENTS],
  controllers: ['runtime', 'api', 'kubelet', 'scheduler', 'service-proxy', 'probes', ...ABOVE_COMPONENTS],
  kubelet: ['api', 'controllers', 'scheduler', 'service-proxy', ...ABOVE_COMPONENTS],
  // kube-scheduler: reads nodes and pods from the store, binds; talks to no other component
  scheduler: ['runtime', 'api', 'controllers', 'kubelet', 'service-proxy', 'probes', ...ABOVE_COMPONENTS],
  'service-proxy': ['api', 'controllers', 'kubelet', 'scheduler', 'probes', ...ABOVE_COMPONENTS],
  'control-plane': ['client', ...FRONT_ENDS],
  client: [...COMPONENTS, 'runtime', ...FRONT_ENDS],
  dashboard: ['cli', 'demo', 'lib'],
  demo: ['cli', 'dashboard', 'lib'],
  lib: ['cli', 'demo'],
  cli: [],
};

/** A no-restricted-imports rule for a folder: relative imports that climb into a forbidden folder. */
function layer(folder, forbidden = FORBIDDEN[folder]) {
  return {
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: forbidden.map((f) => ({
          regex: `^(\\.\\./)+${f}/`,
          message: `src/${folder} may not import src/${f}: folders import only downwards (eslint.config.js, docs/decisions/097). Move the shared piece down to src/kube, or export an interface that control-plane wires.`,
        })),
      }],
    },
  };
}

export default tseslint.config(
  // sample-app/ is the tutorial's app, kept verbatim
  { ignores: ['dist/**', 'node_modules/**', 'coverage/**', 'test-artifacts/**', '**/*.d.ts', 'sample-app/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly',
        clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', setImmediate: 'readonly',
        clearImmediate: 'readonly', URL: 'readonly', URLSearchParams: 'readonly', AbortController: 'readonly',
        AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', fetch: 'readonly',
        structuredClone: 'readonly', queueMicrotask: 'readonly', performance: 'readonly', globalThis: 'readonly',
      },
    },
    rules: {
      // sanitizers of hostile input and terminal output match control characters on purpose
      'no-control-regex': 'off',
      // a closure declared before the assignment reads the variable: it cannot be a const
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
      // a leading underscore marks a parameter or a destructured field left out on purpose
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
    },
  },
  // the dashboard's page runs in the browser
  { files: ['src/dashboard/public/**/*.js'], languageOptions: { globals: { document: 'readonly', window: 'readonly', EventSource: 'readonly', location: 'readonly', history: 'readonly', localStorage: 'readonly', sessionStorage: 'readonly', TextDecoderStream: 'readonly' } } },
  ...Object.keys(FORBIDDEN).filter((f) => FORBIDDEN[f].length).map((f) => layer(f)),
  // src/dns runs inside the network agent container (a self-contained node program): node built-ins,
  // dns-packet and the snapshot's types only (docs/decisions/170)
  {
    files: ['src/dns/**/*.ts'],
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', {
        patterns: [
          { regex: '^(?!node:|dns-packet$|\\./|(\\.\\./)+kube/dns-snapshot\\.js$)', message: 'src/dns runs in the network agent: it imports only node built-ins, dns-packet, its own files and the types of src/kube/dns-snapshot.ts (docs/decisions/170).' },
          { regex: '^(\\.\\./)+kube/dns-snapshot\\.js$', allowTypeImports: true, message: 'src/dns imports src/kube/dns-snapshot.ts for its types only (import type): the agent has no src/kube.' },
        ],
      }],
    },
  },
  // The network agent runs alone in its container (src/runtime/network-agent.ts builds the image from this
  // folder, the host's node and busybox): node built-ins, dns-packet and its own files only.
  {
    files: ['src/network-agent/**/*.js'],
    languageOptions: { sourceType: 'module' },
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{
          regex: '^(?!node:|\\./(dns/)?[^/]+\\.js$|dns-packet$)',
          message: 'src/network-agent runs alone in its container: import only node: built-ins, dns-packet, ./files of this folder and ./dns/ (src/dns, copied in at build; docs/decisions/160).',
        }],
      }],
    },
  },
  // bin/ is CommonJS (bin/package.json): the entry loads the CLI's CommonJS bundle (docs/decisions/240)
  {
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly', __dirname: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  // tests poke at untyped JSON answers from the API
  { files: ['test/**/*.ts', 'examples/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
