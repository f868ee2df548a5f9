// The error a manifest file produces: every problem found in it, each with file:line:column, the source
// line and a caret, so one run shows everything to fix. Nothing from a file with an error is applied.

export interface ManifestIssue {
  source: string;
  line?: number;
  column?: number;
  /** the field path, when the problem is about a field */
  field?: string;
  /** one line: "<source>:<line>:<column>: <text>" */
  message: string;
  /** the full report for this issue: message, code frame, hint */
  detail: string;
}

export class ManifestError extends Error {
  readonly source: string;
  readonly line?: number;
  readonly column?: number;
  readonly issues: readonly ManifestIssue[];

  constructor(source: string, issues: ManifestIssue[]) {
    super(ManifestError.render(source, issues));
    this.name = 'ManifestError';
    this.source = source;
    this.issues = issues;
    this.line = issues[0]?.line;
    this.column = issues[0]?.column;
  }

  private static render(source: string, issues: ManifestIssue[]): string {
    if (issues.length === 1) return issues[0]!.detail;
    const head = `${source}: ${issues.length} errors; nothing from this file was applied`;
    return [head, ...issues.map((i) => i.detail)].join('\n\n');
  }
}

export function location(source: string, line?: number, column?: number): string {
  if (line === undefined) return source;
  return column === undefined ? `${source}:${line}` : `${source}:${line}:${column}`;
}
