// A field path as Kubernetes prints it (k8s.io/apimachinery field.Path): "spec.containers[0].name",
// "metadata.labels[app]". It also keeps the raw segments, so the YAML layer can find the line of a field.
export type PathSegment = string | number;

export class FieldPath {
  private constructor(
    private readonly parent: FieldPath | undefined,
    private readonly segment: PathSegment | undefined,
    private readonly style: 'root' | 'child' | 'index' | 'key',
  ) {}

  /** The empty path; children of it print without a leading dot. */
  static root(): FieldPath {
    return new FieldPath(undefined, undefined, 'root');
  }

  static of(...names: string[]): FieldPath {
    return FieldPath.root().child(...names);
  }

  child(...names: string[]): FieldPath {
    return names.reduce<FieldPath>((p, n) => new FieldPath(p, n, 'child'), this);
  }

  index(i: number): FieldPath {
    return new FieldPath(this, i, 'index');
  }

  /** A key of a map field (labels, annotations, selector): printed as [key]. */
  key(k: string): FieldPath {
    return new FieldPath(this, k, 'key');
  }

  segments(): PathSegment[] {
    // paths are a few fields deep: recursion is the plain way to walk them
    if (this.style === 'root') return [];
    return [...this.parent!.segments(), this.segment!];
  }

  toString(): string {
    if (this.style === 'root') return '';
    const before = this.parent!.toString();
    if (this.style === 'child') return before ? `${before}.${String(this.segment)}` : String(this.segment);
    return `${before}[${String(this.segment)}]`;
  }
}
