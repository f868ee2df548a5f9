// How kubectl prints a server-side Table: cli-runtime's printers/tableprinter.go (decorateTable +
// printTable) over a tabwriter with kubectl's settings (printers/tabwriter.go).
import type { KubeObject } from '../store/store.js';
import { TabWriter } from './go-tabwriter.js';
import { formatLabels } from './selectors.js';
import type { TableColumnDefinition } from './table-types.js';

/** kubectl's GetNewTabWriter: minwidth 6, tabwidth 4, padding 3, padchar ' ', RememberWidths. */
export const KUBECTL_TABWRITER = { minwidth: 6, tabwidth: 4, padding: 3, padchar: ' ', rememberWidths: true } as const;

/** A tabwriter set up like kubectl's; keep one per `get -w` stream so columns never shrink. */
export function newKubectlTabWriter(): TabWriter {
  return new TabWriter(KUBECTL_TABWRITER);
}

/** Lays out a header row (already upper-cased by the caller) and rows exactly as kubectl does. */
export function formatTable(headers: string[], rows: string[][]): string {
  const lines = headers.length > 0 ? [headers, ...rows] : rows;
  return newKubectlTabWriter().write(lines.map((r) => r.join('\t') + '\n').join('')).toString();
}

export interface PrintTableOptions {
  /** -o wide: keep the columns with priority > 0 */
  wide: boolean;
  noHeaders?: boolean;
  /** "pod" or "deployment.apps": names printed as pod/x (several kinds in one `get`) */
  kindPrefix?: string;
  /** -A: a NAMESPACE column first */
  namespaceColumn?: boolean;
  /** --show-labels: a LABELS column last */
  showLabels?: boolean;
  /** -L key1,key2: one column per label key, before LABELS */
  labelColumns?: string[];
  /**
   * For `get -w`: one writer (newKubectlTabWriter()) kept for the whole stream, so that, as in kubectl,
   * later rows reuse the widths already printed and columns only ever grow. Omit for a one-off table.
   */
  writer?: TabWriter;
}

/** A column as a Table from the API carries it (the description is optional on the wire). */
export type PrintableColumn = Pick<TableColumnDefinition, 'name' | 'type' | 'format' | 'priority'> & { description?: string };

export interface PrintableTable {
  columnDefinitions: readonly PrintableColumn[];
  rows: readonly { cells: readonly (string | number | null | undefined)[]; object?: KubeObject }[];
}

/** The printable rows of a table (header first unless noHeaders) as kubectl decorates and filters them. */
export function tableLines(table: PrintableTable, opts: PrintTableOptions): string[][] {
  const columns: PrintableColumn[] = [];
  if (opts.namespaceColumn) columns.push({ name: 'Namespace', type: 'string', format: '', description: '', priority: 0 });
  columns.push(...table.columnDefinitions);
  for (const key of opts.labelColumns ?? []) {
    columns.push({ name: key.split('/').pop()!.toUpperCase(), type: 'string', format: '', description: '', priority: 0 });
  }
  if (opts.showLabels) columns.push({ name: 'Labels', type: 'string', format: '', description: '', priority: 0 });

  const nameColumn = opts.kindPrefix ? table.columnDefinitions.findIndex((c) => c.format === 'name' && c.type === 'string') : -1;
  const visible = (c: PrintableColumn) => opts.wide || c.priority === 0;
  const out: string[][] = [];
  // kubectl prints nothing at all, not even headers, for an empty table.
  if (table.rows.length === 0) return out;
  if (!opts.noHeaders) out.push(columns.filter(visible).map((c) => c.name.toUpperCase()));

  for (const row of table.rows) {
    // Cells beyond the server's columns are dropped (issue 66379); a short row stays short, as in Go.
    const cells: (string | number | null | undefined)[] = row.cells.slice(0, table.columnDefinitions.length);
    if (nameColumn !== -1 && nameColumn < cells.length) cells[nameColumn] = `${opts.kindPrefix}/${cellText(cells[nameColumn])}`;
    const meta = row.object?.metadata;
    if (opts.namespaceColumn) cells.unshift(meta?.namespace ?? '');
    for (const key of opts.labelColumns ?? []) cells.push(meta?.labels?.[key] ?? '');
    if (opts.showLabels) cells.push(formatLabels(meta?.labels));
    out.push(cells.flatMap((cell, i) => (i < columns.length && visible(columns[i]!) ? [cellText(cell)] : [])));
  }
  return out;
}

/** Prints a server-side Table the way `kubectl get` does (without the "No resources found" line). */
export function printTable(table: PrintableTable, opts: PrintTableOptions): string {
  const lines = tableLines(table, opts);
  return (opts.writer ?? newKubectlTabWriter()).write(lines.map((r) => r.join('\t') + '\n').join('')).take();
}

/** What `kubectl get` writes to stderr when nothing matched (it adds the newline). */
export function noResourcesMessage(namespace?: string): string {
  return namespace ? `No resources found in ${namespace} namespace.` : 'No resources found';
}

/**
 * One cell as printTable writes it: a string is cut at its first line break (with "..." appended, since a
 * break would end the tabwriter line), and escape and carriage-return characters are made visible
 * (WriteEscaped) so a cell cannot drive the terminal.
 */
export function cellText(cell: string | number | null | undefined): string {
  if (cell === null || cell === undefined) return '';
  if (typeof cell !== 'string') return String(cell);
  const cut = cell.search(/[\f\n\r]/);
  const text = cut >= 0 ? cell.slice(0, cut) : cell;
  return escapeTerminal(text) + (cut >= 0 ? '...' : '');
}

/** cli-runtime's terminalEscaper: ESC becomes "^[" and CR becomes "\r" (two characters). */
export function escapeTerminal(s: string): string {
  return s.replace(/\x1b/g, '^[').replace(/\r/g, '\\r');
}
