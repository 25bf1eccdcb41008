// Kubernetes resource quantities ("512Mi", "1.5", "250m", "1e3") as numbers in base
// units (bytes, cores), and back to the compact strings the API server prints in quota
// messages. Doubles are exact enough here: test limits stay far below 2^53 bytes.

const SUFFIX: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$/;

/** Parses a quantity; returns undefined when it is not one (the caller reports 422). */
export function parseQuantity(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) ? text : undefined;
  const m = QUANTITY.exec(text.trim());
  if (!m) return undefined;
  const base = Number(m[1]);
  if (m[2]) return base * 10 ** Number(m[2].slice(1));
  return base * SUFFIX[m[3] ?? ''];
}

const BINARY: [string, number][] = [
  ['Ei', 2 ** 60],
  ['Pi', 2 ** 50],
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];

/** Bytes-like quantity: largest exact binary suffix, like the server's BinarySI format. */
export function formatBytes(value: number): string {
  if (value === 0) return '0';
  for (const [suffix, size] of BINARY) {
    if (Number.isInteger(value / size)) return `${value / size}${suffix}`;
  }
  return Number.isInteger(value) ? String(value) : `${Math.round(value * 1000)}m`;
}

/** CPU-like quantity: whole cores plain, otherwise millicores. */
export function formatCpu(value: number): string {
  if (value === 0) return '0';
  if (Number.isInteger(value)) return String(value);
  return `${Math.round(value * 1000)}m`;
}

/** Formats a quota resource value the way its resource name implies. */
export function formatResource(resource: string, value: number): string {
  if (/(^|\.)cpu$/.test(resource)) return formatCpu(value);
  if (/(^|\.)(memory|storage|ephemeral-storage)$/.test(resource)) return formatBytes(value);
  return Number.isInteger(value) ? String(value) : formatCpu(value);
}
