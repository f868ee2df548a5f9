// A port of Go's text/tabwriter (as forked by github.com/liggitt/tabwriter, which kubectl uses), because
// kubectl's `get` tables and `describe` pages are laid out by it and users compare output byte for byte.
//
// Why not the text-table package: it has no minimum cell width (kubectl pads every column to
// at least 6), it trims trailing padding that Go keeps when a row's last cell is empty, and it aligns a
// column over the whole table while Go aligns a column only over *consecutive* lines that have a cell in
// it ("column blocks"), which is what gives `kubectl describe` its per-section alignment.
//
// Semantics kept from Go: cells are terminated by '\t' (or '\v'); the text after the last tab of a line is
// not part of any column and is never padded; a cell's width is its rune count plus `padding`, at least
// `minwidth`; a line with a single cell, and every '\f', flushes (starts new column blocks). Not ported,
// because nothing here uses them: Escape sequences (0xff cannot occur in a JS string's UTF-8), FilterHTML,
// AlignRight, DiscardEmptyColumns, TabIndent, Debug, and tab padding (padchar '\t').

interface Cell {
  text: string;
  /** width in runes (code points), as Go's utf8.RuneCount */
  width: number;
  /** terminated by '\t' rather than '\v' or a line end */
  htab: boolean;
}

export interface TabWriterOptions {
  minwidth: number;
  tabwidth: number;
  padding: number;
  padchar: string;
  /** liggitt/tabwriter RememberWidths: columns never shrink across flushes (kubectl get -w) */
  rememberWidths?: boolean;
}

const runeCount = (s: string): number => {
  let n = 0;
  for (const _ of s) n++;
  return n;
};

export class TabWriter {
  private lines: Cell[][] = [[]];
  private cell = '';
  private widths: number[] = [];
  private maxwidths: number[] = [];
  private out = '';

  constructor(private readonly opts: TabWriterOptions) {}

  write(text: string): this {
    let start = 0;
    for (let i = 0; i < text.length; i++) {
      const ch = text[i];
      if (ch !== '\t' && ch !== '\v' && ch !== '\n' && ch !== '\f') continue;
      this.cell += text.slice(start, i);
      start = i + 1;
      const ncells = this.terminateCell(ch === '\t');
      if (ch === '\n' || ch === '\f') {
        this.lines.push([]);
        // A single-cell line cannot affect the layout of later lines, so Go flushes there.
        if (ch === '\f' || ncells === 1) this.flush();
      }
    }
    this.cell += text.slice(start);
    return this;
  }

  /** Formats and emits everything buffered so far; later lines start new column blocks. */
  flush(): this {
    if (this.cell.length > 0) this.terminateCell(false);
    this.format(0, this.lines.length);
    this.lines = [[]];
    this.cell = '';
    this.widths = [];
    return this;
  }

  /** Flushes and returns the output produced since the last take(); remembered widths are kept. */
  take(): string {
    this.flush();
    const out = this.out;
    this.out = '';
    return out;
  }

  toString(): string {
    return this.take();
  }

  private terminateCell(htab: boolean): number {
    const line = this.lines[this.lines.length - 1]!;
    line.push({ text: this.cell, width: runeCount(this.cell), htab });
    this.cell = '';
    return line.length;
  }

  private format(line0: number, line1: number): void {
    const column = this.widths.length;
    for (let t = line0; t < line1; t++) {
      // The last cell of a line is not tab-terminated and belongs to no column.
      if (column >= this.lines[t]!.length - 1) continue;
      // A column block starts here: print the lines before it, then measure it.
      this.writeLines(line0, t);
      line0 = t;
      let width = this.opts.minwidth;
      for (; t < line1; t++) {
        const line = this.lines[t]!;
        if (column >= line.length - 1) break;
        width = Math.max(width, line[column]!.width + this.opts.padding);
      }
      if (this.opts.rememberWidths) {
        if (this.maxwidths.length < this.widths.length) this.maxwidths.push(...this.widths.slice(this.maxwidths.length));
        if (this.maxwidths.length === this.widths.length) this.maxwidths.push(width);
        else if (this.maxwidths[column]! > width) width = this.maxwidths[column]!;
        else this.maxwidths[column] = width;
      }
      // Columns to the right are laid out knowing this one's width.
      this.widths.push(width);
      this.format(line0, t);
      this.widths.pop();
      line0 = t;
    }
    this.writeLines(line0, line1);
  }

  private writeLines(line0: number, line1: number): void {
    for (let i = line0; i < line1; i++) {
      const line = this.lines[i]!;
      line.forEach((c, j) => {
        this.out += c.text;
        if (j < this.widths.length) this.out += this.opts.padchar.repeat(this.widths[j]! - c.width);
      });
      // The last buffered line has no newline yet (it is the text after the final '\n').
      if (i + 1 < this.lines.length) this.out += '\n';
    }
  }
}

/** Runs text through a fresh tabwriter and returns the laid-out result. */
export function tabwrite(text: string, opts: TabWriterOptions): string {
  return new TabWriter(opts).write(text).toString();
}
