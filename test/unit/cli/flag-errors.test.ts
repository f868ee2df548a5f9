// Commander's parse errors in kubectl's words: an unknown flag is one line, other errors keep the hint.
import { describe, expect, it } from 'vitest';
import { cliErrorText, unknownFlagLine } from '../../../src/cli/flag-errors.js';

describe('unknown flags are said as kubectl says them', () => {
  it.each([
    ['--bogus', 'error: unknown flag: --bogus'],
    ['--bogus=1', 'error: unknown flag: --bogus'],
    ['-z', "error: unknown shorthand flag: 'z' in -z"],
    ['-zq', "error: unknown shorthand flag: 'z' in -zq"],
  ])('%s -> %s', (flag, line) => {
    expect(unknownFlagLine(flag)).toBe(line);
  });

  it('an unknown option is one line, without commander\'s suggestion or the help hint', () => {
    expect(cliErrorText("error: unknown option '--outptu'\n(Did you mean --output?)\n")).toBe('error: unknown flag: --outptu\n');
  });

  it('other parse errors keep the hint to --help', () => {
    expect(cliErrorText("error: missing required argument 'type'\n")).toBe("error: missing required argument 'type'\n(run `mini-kube --help` for the list of commands)\n");
    expect(cliErrorText('too many arguments\n')).toBe('error: too many arguments\n(run `mini-kube --help` for the list of commands)\n');
  });
});
