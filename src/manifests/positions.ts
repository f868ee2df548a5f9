// From a field path to a place in the file: walks the YAML syntax tree (never the decoded object, so
// aliases are not expanded) and returns the 1-based line and column of the field's key, or of the
// deepest part of the path that exists when the field itself is missing (e.g. a Required value).
import { isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';
import type { PathSegment } from './field-path.js';

export interface Position { line: number; column: number }

export function locate(doc: Document, lc: LineCounter, segments: readonly PathSegment[]): Position {
  let node: unknown = doc.contents;
  let offset = rangeStart(node) ?? 0;
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = rangeStart(pair.key) ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) break;
      offset = rangeStart(item) ?? offset;
      node = item;
    } else {
      break;
    }
  }
  return toPosition(lc, offset);
}

export function toPosition(lc: LineCounter, offset: number): Position {
  const { line, col } = lc.linePos(offset);
  return { line: Math.max(line, 1), column: Math.max(col, 1) };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as Node | null | undefined)?.range;
  return range ? range[0] : undefined;
}
