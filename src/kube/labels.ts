// Label selectors: the string form of ?labelSelector= and `-l` (app=x,env!=y,tier in (a,b),!k,k) and
// the structured metav1.LabelSelector of Deployments and ReplicaSets, matched the way Kubernetes does.
import type { LabelSelector } from './types.js';

export type Requirement =
  | { key: string; op: 'in' | 'notin'; values: string[] }
  | { key: string; op: 'exists' | 'doesnotexist' };

export type Selector = Requirement[];

export function parseSelector(text: string | undefined): Selector {
  const out: Selector = [];
  if (!text) return out;
  // Split on commas that are not inside parentheses.
  const parts: string[] = [];
  let depth = 0, start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 0) { parts.push(text.slice(start, i)); start = i + 1; }
  }
  parts.push(text.slice(start));
  for (const raw of parts) {
    const p = raw.trim();
    if (!p) continue;
    let m: RegExpMatchArray | null;
    if ((m = p.match(/^([^\s!=]+)\s+(in|notin)\s+\(([^)]*)\)$/))) {
      out.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values: m[3]!.split(',').map((v) => v.trim()).filter(Boolean) });
    } else if ((m = p.match(/^([^\s!=]+)\s*(==|=|!=)\s*([^\s,]*)$/))) {
      out.push({ key: m[1]!, op: m[2] === '!=' ? 'notin' : 'in', values: [m[3]!] });
    } else if ((m = p.match(/^!\s*([^\s!=]+)$/))) {
      out.push({ key: m[1]!, op: 'doesnotexist' });
    } else if ((m = p.match(/^([^\s!=()]+)$/))) {
      out.push({ key: m[1]!, op: 'exists' });
    } else {
      throw new Error(`unable to parse requirement: "${p}"`);
    }
  }
  return out;
}

export function fromLabelSelector(sel: LabelSelector | undefined): Selector {
  const out: Selector = [];
  for (const [key, value] of Object.entries(sel?.matchLabels ?? {})) out.push({ key, op: 'in', values: [value] });
  for (const e of sel?.matchExpressions ?? []) {
    const op = e.operator.toLowerCase();
    if (op === 'in' || op === 'notin') out.push({ key: e.key, op, values: e.values ?? [] });
    else if (op === 'exists' || op === 'doesnotexist') out.push({ key: e.key, op });
  }
  return out;
}

export function matches(selector: Selector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    switch (r.op) {
      case 'in': return has && r.values.includes(l[r.key]!);
      case 'notin': return !has || !r.values.includes(l[r.key]!);
      case 'exists': return has;
      case 'doesnotexist': return !has;
    }
  });
}

/** A selector with no requirements matches everything; Kubernetes treats an empty LabelSelector so too. */
export function selectorMatches(sel: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  return matches(fromLabelSelector(sel), labels);
}

/** "app=liveness,pod-template-hash=abc" as kubectl shows a selector. */
export function formatSelector(sel: LabelSelector | Record<string, string> | undefined): string {
  if (!sel) return '';
  const asSel = ('matchLabels' in sel || 'matchExpressions' in sel) ? (sel as LabelSelector) : { matchLabels: sel as Record<string, string> };
  const parts = Object.entries(asSel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of asSel.matchExpressions ?? []) {
    const op = e.operator;
    if (op === 'In') parts.push(`${e.key} in (${(e.values ?? []).join(',')})`);
    else if (op === 'NotIn') parts.push(`${e.key} notin (${(e.values ?? []).join(',')})`);
    else if (op === 'Exists') parts.push(e.key);
    else if (op === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
