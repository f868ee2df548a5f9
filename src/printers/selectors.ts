// Label and selector strings exactly as apimachinery prints them. Unlike kube/labels.ts's formatSelector
// (kept as-is for other callers), these sort: labels.FormatLabels sorts keys, and a parsed labels.Selector
// sorts its requirements by key and each In/NotIn value list.
import type { LabelSelector } from '../kube/types.js';

/** labels.FormatLabels: "a=1,b=2" in key order, "<none>" when empty. */
export function formatLabels(labels: Record<string, string> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  if (keys.length === 0) return '<none>';
  return keys.map((k) => `${k}=${labels![k]}`).join(',');
}

/** metav1.LabelSelectorAsSelector(sel).String(): "" for a nil or empty selector. */
export function labelSelectorString(sel: LabelSelector | undefined | null): string {
  if (!sel) return '';
  const reqs: { key: string; text: string }[] = [];
  for (const [key, value] of Object.entries(sel.matchLabels ?? {})) reqs.push({ key, text: `${key}=${value}` });
  for (const e of sel.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort();
    switch (e.operator) {
      case 'In': reqs.push({ key: e.key, text: `${e.key} in (${values.join(',')})` }); break;
      case 'NotIn': reqs.push({ key: e.key, text: `${e.key} notin (${values.join(',')})` }); break;
      case 'Exists': reqs.push({ key: e.key, text: e.key }); break;
      case 'DoesNotExist': reqs.push({ key: e.key, text: `!${e.key}` }); break;
    }
  }
  // Stable sort by key, as Go's sort.Sort(ByKey) over matchLabels first, then expressions.
  return reqs
    .map((r, i) => ({ ...r, i }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.i - b.i))
    .map((r) => r.text)
    .join(',');
}

/** metav1.FormatLabelSelector: like labelSelectorString, but "<none>" when it selects on nothing. */
export function formatLabelSelector(sel: LabelSelector | undefined | null): string {
  return labelSelectorString(sel) || '<none>';
}
