// Field paths and sets of them, as structured-merge-diff's fieldpath package has them, and their two
// spellings: the FieldsV1 JSON of metadata.managedFields (`f:name`, `k:{"name":"c"}`, `v:"x"`, `i:0`,
// `.` for "this node itself") and the `.spec.containers[name="c"].image` form of conflict messages.
//
// A path is a list of elements, each written exactly as its FieldsV1 key; a FieldSet holds the paths
// that are members (owned), encoded as one string each so the set operations are plain Set operations.

/** One step of a path, spelled as in FieldsV1: `f:<field>`, `k:<json object>`, `v:<json value>`, `i:<n>`. */
export type PathElement = string;
export type Path = readonly PathElement[];

const SEP = '\u0001';

export function fieldElement(name: string): PathElement {
  return `f:${name}`;
}

/** A list item by its key fields, sorted by name as the apiserver writes them. */
export function keyElement(keys: Record<string, unknown>): PathElement {
  const sorted: Record<string, unknown> = {};
  for (const k of Object.keys(keys).sort()) sorted[k] = keys[k];
  return `k:${JSON.stringify(sorted)}`;
}

export function valueElement(value: unknown): PathElement {
  return `v:${JSON.stringify(value)}`;
}

export function encodePath(path: Path): string {
  return path.join(SEP);
}

export function decodePath(key: string): Path {
  return key === '' ? [] : key.split(SEP);
}

/** A set of owned paths. */
export class FieldSet {
  private readonly members: Set<string>;

  constructor(paths: Iterable<string> = []) {
    this.members = new Set(paths);
  }

  static of(paths: Iterable<Path>): FieldSet {
    return new FieldSet([...paths].map(encodePath));
  }

  insert(path: Path): void {
    this.members.add(encodePath(path));
  }

  has(path: Path): boolean {
    return this.members.has(encodePath(path));
  }

  get size(): number {
    return this.members.size;
  }

  empty(): boolean {
    return this.members.size === 0;
  }

  paths(): Path[] {
    return [...this.members].sort().map(decodePath);
  }

  keys(): string[] {
    return [...this.members];
  }

  union(other: FieldSet): FieldSet {
    return new FieldSet([...this.members, ...other.members]);
  }

  intersection(other: FieldSet): FieldSet {
    return new FieldSet([...this.members].filter((m) => other.members.has(m)));
  }

  difference(other: FieldSet): FieldSet {
    return new FieldSet([...this.members].filter((m) => !other.members.has(m)));
  }

  /** Whether some member lies strictly under `path` (a child, grandchild, ...). */
  hasDescendantOf(path: Path): boolean {
    const prefix = encodePath(path) + SEP;
    for (const m of this.members) if (m.startsWith(prefix)) return true;
    return false;
  }

  /** Members that are `path` or lie under it. */
  withPrefix(path: Path): FieldSet {
    const p = encodePath(path);
    return new FieldSet([...this.members].filter((m) => m === p || m.startsWith(p + SEP)));
  }
}

type FieldsV1 = { [key: string]: FieldsV1 };

/** The FieldsV1 JSON of a set: a tree of elements, `.` marking a node that is itself a member. */
export function toFieldsV1(set: FieldSet): FieldsV1 {
  const root: FieldsV1 = {};
  const memberNodes = new Set<FieldsV1>();
  for (const path of set.paths()) {
    let node = root;
    for (const el of path) node = node[el] ??= {};
    memberNodes.add(node);
  }
  const finish = (node: FieldsV1): FieldsV1 => {
    const keys = Object.keys(node).sort(compareElements);
    const out: FieldsV1 = {};
    if (keys.length && memberNodes.has(node)) out['.'] = {};
    for (const k of keys) out[k] = finish(node[k]!);
    return out;
  };
  return finish(root);
}

/** The set a FieldsV1 JSON describes (a malformed value gives the paths it can). */
export function fromFieldsV1(json: unknown): FieldSet {
  const set = new FieldSet();
  const walk = (node: unknown, path: PathElement[]): void => {
    if (!node || typeof node !== 'object' || Array.isArray(node)) return;
    const entries = Object.entries(node as Record<string, unknown>);
    if (!entries.length && path.length) set.insert(path);
    for (const [k, v] of entries) {
      if (k === '.') set.insert(path);
      else walk(v, [...path, k]);
    }
  };
  walk(json, []);
  return set;
}

/** The order structured-merge-diff sorts elements in: fields, then keys, then values, then indexes. */
function compareElements(a: string, b: string): number {
  const rank = (s: string) => ({ f: 0, k: 1, v: 2, i: 3 } as Record<string, number>)[s[0]!] ?? 4;
  const d = rank(a) - rank(b);
  if (d) return d;
  if (a[0] === 'i') return Number(a.slice(2)) - Number(b.slice(2));
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `.spec.template.spec.containers[name="c"].image`, as conflict messages print a path. */
export function pathString(path: Path): string {
  let out = '';
  for (const el of path) {
    const body = el.slice(2);
    switch (el[0]) {
      case 'f': out += `.${body}`; break;
      case 'k': {
        const keys = JSON.parse(body) as Record<string, unknown>;
        out += `[${Object.entries(keys).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(',')}]`;
        break;
      }
      case 'v': out += `[=${body}]`; break;
      case 'i': out += `[${body}]`; break;
      default: out += `.${el}`;
    }
  }
  return out;
}
