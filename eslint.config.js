// Lint rules on top of `tsc` (which already checks types strictly): the recommended sets of ESLint and
// typescript-eslint, without type information so that a run stays a few seconds.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  // tests poke at untyped JSON answers from the API
  { files: ['test/**/*.ts', 'examples/**/*.ts'], rules: { '@typescript-eslint/no-explicit-any': 'off' } },
);
