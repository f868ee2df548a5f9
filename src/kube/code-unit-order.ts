// String order as Go's `<` on strings gives it for the ASCII names, timestamps and ids Kubernetes sorts:
// by code unit, not by locale. Not localeCompare: besides ordering by locale rules, its first call loads
// ICU's collator into the process (~2 MB of an idle control plane's memory, ~7 ms of a CLI `describe`:
// docs/performance.md).
export function codeUnitOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
