// The Quantities metrics-server writes: CPU as resource.NewScaledQuantity(nanocores, -9) and memory as
// resource.NewQuantity(bytes, BinarySI), in their canonical string forms ("123456n", "12m", "0";
// "12345Ki", "1234"), which kubectl top turns into "12m" and "12Mi".

/** A nano-scaled decimal quantity's canonical form: the largest of n, u, m, (none) that keeps it whole. */
export function cpuQuantity(nanoCores: number): string {
  const n = Math.max(0, Math.round(nanoCores));
  if (n === 0) return '0';
  if (n % 1e9 === 0) return String(n / 1e9);
  if (n % 1e6 === 0) return `${n / 1e6}m`;
  if (n % 1e3 === 0) return `${n / 1e3}u`;
  return `${n}n`;
}

/** A BinarySI quantity's canonical form: the largest power-of-1024 suffix that keeps it whole. */
export function memoryQuantity(bytes: number): string {
  let v = Math.max(0, Math.round(bytes));
  if (v === 0) return '0';
  const suffixes = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];
  let i = 0;
  while (i < suffixes.length - 1 && v % 1024 === 0) {
    v /= 1024;
    i++;
  }
  return `${v}${suffixes[i]}`;
}

/** metrics-server's window: a Go Duration's string ("15s", "1.002s", "30s"). */
export function windowDuration(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : Number(s.toFixed(3))}s`;
}

/** resource.NewMilliQuantity(v, DecimalSI).String(): the largest of m, (none), k, M, G, T, P, E keeping it whole. */
export function milliQuantity(milli: number): string {
  let v = Math.round(milli);
  if (v === 0) return '0';
  const suffixes = ['m', '', 'k', 'M', 'G', 'T', 'P', 'E'];
  let i = 0;
  while (i < suffixes.length - 1 && v % 1000 === 0) {
    v /= 1000;
    i++;
  }
  return `${v}${suffixes[i]}`;
}
