// The few source lines around an error, with a caret under the column, like a compiler prints them.
const MAX_SHOWN = 120;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/** `lines` are the file's lines; `line` and `column` are 1-based. */
export function codeFrame(lines: readonly string[], line: number, column: number, before = 2): string {
  const first = Math.max(1, line - before);
  const width = String(line).length;
  const out: string[] = [];
  for (let n = first; n <= line && n <= lines.length; n++) {
    const raw = lines[n - 1] ?? '';
    const shift = n === line ? clipStart(raw, column) : clipStart(raw, 1);
    out.push(`  ${String(n).padStart(width)} | ${printable(raw.slice(shift, shift + MAX_SHOWN))}`);
    if (n === line) {
      // Keep the line's own tabs and the width of escaped characters, so the caret lands right.
      const lead = raw.slice(shift, Math.max(shift, column - 1)).replace(CONTROL, '    ').replace(/[^\t]/g, ' ');
      out.push(`  ${' '.repeat(width)} | ${lead}^`);
    }
  }
  return out.join('\n');
}

/** Control characters would garble a terminal; show them as \xNN (four characters wide). */
function printable(s: string): string {
  return s.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** Very long lines (minified JSON) are shown as a window around the column. */
function clipStart(text: string, column: number): number {
  if (text.length <= MAX_SHOWN) return 0;
  return Math.max(0, Math.min(column - 1 - MAX_SHOWN / 2, text.length - MAX_SHOWN));
}
