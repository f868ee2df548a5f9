// kubecontainer.ExpandContainerCommandOnlyStatic and third_party/forked/golang/expansion.Expand:
// `$(VAR)` in an exec probe command is expanded with the container's *static* env only.
import type { Container } from '../kube/types.js';

/**
 * Every `env` entry counts, with its literal `value` (EnvVarsToMap): an entry with `valueFrom` maps to
 * the empty string, `envFrom` is not consulted, and values are not themselves expanded. Unknown
 * references stay as written, `$$` is an escaped `$`, an unterminated `$(` is copied through.
 */
export function expandCommandOnlyStatic(command: readonly string[], env: Container['env']): string[] {
  const vars = new Map<string, string>();
  for (const e of env ?? []) vars.set(e.name, e.value ?? '');
  return command.map((arg) => expand(arg, (name) => vars.get(name) ?? `$(${name})`));
}

export function expand(input: string, mapping: (name: string) => string): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const rest = input.slice(cursor + 1);
    let advance = 1;
    if (rest[0] === '$') {
      out += '$';
    } else if (rest[0] === '(') {
      const close = rest.indexOf(')', 1);
      if (close >= 0) {
        out += mapping(rest.slice(1, close));
        advance = close + 1;
      } else {
        out += '$(';
      }
    } else {
      out += '$' + rest[0];
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}
