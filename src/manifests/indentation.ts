// Finds the line whose indentation is off, so a YAML syntax error can say which key is misplaced and
// where it should go ("`readinessProbe:` should line up with `ports:`"). It follows the block structure
// the way a reader does: a stack of open indentation levels, one per mapping key or list dash.

export interface IndentProblem {
  /** 1-based line and column of the misplaced key or dash */
  line: number;
  column: number;
  /** "readinessProbe:" or "-" */
  token: string;
  indent: number;
  /** the sibling it should line up with, when one is evident */
  sibling?: { token: string; line: number; indent: number };
}

interface Level {
  col: number;
  line: number;
  token: string;
  isDash: boolean;
  /** a key with nothing after the colon, or a bare dash: deeper lines belong to it */
  opensBlock: boolean;
}

const KEY = /^((?:"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s#'"\-?:,[\]{}&*!|>%@`][^#]*?|-[^\s#][^#]*?))\s*:(?=\s|$)/;
const BLOCK_SCALAR = /^[|>][-+0-9]*\s*(#.*)?$/;

/** Scans lines [from, to] (1-based, inclusive) and returns the first indentation anomaly. */
export function findIndentProblem(lines: readonly string[], from: number, to: number): IndentProblem | undefined {
  const stack: Level[] = [];
  let blockScalarParent = -1; // lines indented deeper than this belong to a | or > scalar
  let flowDepth = 0;
  for (let n = from; n <= Math.min(to, lines.length); n++) {
    const raw = (lines[n - 1] ?? '').replace(/\r$/, '');
    const trimmed = raw.trimStart();
    const indent = raw.length - trimmed.length;
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (blockScalarParent >= 0) {
      if (indent > blockScalarParent) continue;
      blockScalarParent = -1;
    }
    if (flowDepth > 0) { flowDepth = Math.max(0, flowDepth + bracketBalance(trimmed)); continue; }
    if (/^(---|\.\.\.)(\s|$)/.test(raw)) { stack.length = 0; continue; }
    if (raw.slice(0, indent).includes('\t')) continue; // yaml reports tabs itself

    // Dashes first ("- - key: v" opens several levels), then an optional "key:".
    const tokens: Level[] = [];
    let col = indent;
    let rest = trimmed;
    let m: RegExpExecArray | null;
    while ((m = /^-(\s+|$)/.exec(rest))) {
      tokens.push({ col, line: n, token: '-', isDash: true, opensBlock: false });
      col += m[0].length;
      rest = rest.slice(m[0].length);
    }
    let value = rest;
    const key = KEY.exec(rest);
    if (key) {
      tokens.push({ col, line: n, token: `${key[1]!.trim()}:`, isDash: false, opensBlock: false });
      value = rest.slice(key[0].length).trim();
    } else if (tokens.length === 0) {
      continue; // continuation of a multi-line scalar or flow value: not structure
    }
    const last = tokens[tokens.length - 1]!;
    const valueIsEmpty = value === '' || value.startsWith('#') || /^([&!][^\s]*\s*)+(#.*)?$/.test(value);
    last.opensBlock = valueIsEmpty;
    if (BLOCK_SCALAR.test(value)) blockScalarParent = last.isDash ? last.col : indent;
    if (/^[[{]/.test(value)) flowDepth = Math.max(0, bracketBalance(value));

    const first = tokens[0]!;
    const problem = place(stack, first);
    if (problem) return problem;
    stack.push(...tokens);
  }
  return undefined;
}

/** Puts `t` on the stack of open levels; returns a problem when its column fits none of them. */
function place(stack: Level[], t: Level): IndentProblem | undefined {
  const popped: Level[] = [];
  for (;;) {
    const top = stack[stack.length - 1];
    if (!top) break;
    if (top.col > t.col) { popped.push(stack.pop()!); continue; }
    if (top.col === t.col) {
      // A list may sit at its parent key's own column ("containers:\n- name: x").
      if (t.isDash && !top.isDash && top.opensBlock && popped.length === 0) return undefined;
      // A key at a dash's column ends that list item; compare with what encloses it.
      if (!t.isDash && top.isDash) { popped.push(stack.pop()!); continue; }
      stack.pop();
      return undefined;
    }
    // top.col < t.col
    if (popped.length === 0 && top.opensBlock) return undefined;
    // A list at its parent key's column hides that key under the dash; it is a candidate too.
    const below = stack[stack.length - 2];
    const hidden = top.isDash && below && !below.isDash && below.col === top.col ? [below] : [];
    return problemFor(t, [top, ...hidden, ...popped]);
  }
  if (popped.length > 0 && t.col > 0) return problemFor(t, popped);
  return undefined;
}

function problemFor(t: Level, candidates: Level[]): IndentProblem {
  const same = candidates.filter((c) => c.isDash === t.isDash);
  let best: Level | undefined;
  for (const c of same) {
    const d = Math.abs(c.col - t.col);
    // Closest column wins; on a tie, the shallower one (the enclosing mapping's own keys).
    if (!best || d < Math.abs(best.col - t.col) || (d === Math.abs(best.col - t.col) && c.col < best.col)) best = c;
  }
  return {
    line: t.line, column: t.col + 1, token: t.token, indent: t.col,
    sibling: best ? { token: best.token, line: best.line, indent: best.col } : undefined,
  };
}

function bracketBalance(s: string): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === '\\' && quote === '"') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]!))) break;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
  }
  return depth;
}
