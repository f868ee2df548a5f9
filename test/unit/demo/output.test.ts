// What the demo writes around its text: colour only on a terminal without NO_COLOR, and manifest paths
// that exist where the user stands (the checkout's `manifests/`, else the installed package's copy).
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { manifestPath, manifestsDir, styles } from '../../../src/demo/demo.js';

const stream = (isTTY: boolean) => ({ isTTY }) as unknown as NodeJS.WritableStream;

describe('demo styles', () => {
  it.each([
    ['a terminal', true, {}, '\x1b[1mx\x1b[0m'],
    ['a terminal with NO_COLOR=1', true, { NO_COLOR: '1' }, 'x'],
    ['a file or pipe', false, {}, 'x'],
  ])('%s', (_what, isTTY, env, bold) => {
    expect(styles(stream(isTTY), env).bold('x')).toBe(bold);
  });
});

describe('demo manifest paths', () => {
  const root = path.dirname(manifestsDir());
  it.each([
    ['the checkout\'s root', root, 'manifests/liveness.yaml'],
    ['anywhere else', '/nowhere-near-the-checkout', path.join(root, 'manifests/liveness.yaml')],
  ])('from %s', (_what, cwd, expected) => {
    expect(manifestPath('liveness.yaml', cwd)).toBe(expected);
  });
});
