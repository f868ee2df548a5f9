// Commander's parse errors, said the way kubectl says them. kubectl refuses a flag it does not know with
// one line (`error: unknown flag: --x`, `error: unknown shorthand flag: 'x' in -x`) and exit code 1; a
// flag accepted and then ignored would let a user believe it took effect.

const HELP_HINT = '(run `mini-kube --help` for the list of commands)';

/** The text to print for one of commander's error messages (which end with a newline). */
export function cliErrorText(commanderMessage: string): string {
  const unknown = /^error: unknown option '([^']*)'/.exec(commanderMessage);
  if (unknown) return unknownFlagLine(unknown[1]!) + '\n';
  const line = commanderMessage.startsWith('error:') ? commanderMessage : `error: ${commanderMessage}`;
  return `${line.endsWith('\n') ? line : line + '\n'}${HELP_HINT}\n`;
}

/** kubectl's (pflag's) wording: the flag's name without any `=value`, a shorthand by its letter. */
export function unknownFlagLine(flag: string): string {
  if (flag.startsWith('--')) return `error: unknown flag: ${flag.split('=', 1)[0]}`;
  const letter = flag.slice(1, 2);
  return `error: unknown shorthand flag: '${letter}' in ${flag}`;
}
