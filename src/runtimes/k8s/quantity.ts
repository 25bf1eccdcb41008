// Kubernetes resource quantities ("4Gi", "2000m", "1.5", "1e3"): parsing to check them
// before anything reaches the API server, and formatting the agent's own numbers (bytes,
// CPUs) the way a human would write them.
import { TmuxAgentsError } from '../../core/errors';

// The API server's grammar, narrowed to what is meaningful for cpu, memory and storage:
// a non-negative decimal with one binary (Ki..Ei), decimal (m, k, M..E) or exponent suffix.
const QUANTITY = /^((?:[0-9]+(?:\.[0-9]*)?)|(?:\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** Below this no container runtime starts a container (Docker's own floor is 6 MiB). */
export const MIN_MEMORY_BYTES = 6 * 2 ** 20;
/** The API server's CPU resolution. */
export const MIN_CPU_CORES = 0.001;

/** The value of a quantity in base units (cores, bytes), or undefined if it is not one. */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text.trim());
  if (!m || text.trim() !== text) return undefined;
  const base = Number(m[1]);
  const suffix = m[2] ?? '';
  let factor = 1;
  if (suffix in BINARY) factor = BINARY[suffix]!;
  else if (suffix in DECIMAL) factor = DECIMAL[suffix]!;
  else if (suffix) factor = 10 ** Number(suffix.slice(1));
  const v = base * factor;
  return Number.isFinite(v) ? v : undefined;
}

/** Bytes as the largest binary unit that divides them exactly ("4Gi", "1536Mi"), else plain bytes. */
export function formatMemory(bytes: number): string {
  for (const unit of ['Ei', 'Pi', 'Ti', 'Gi', 'Mi', 'Ki'] as const) {
    const size = BINARY[unit]!;
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** CPUs as millicores ("1500m"): exact for every value the API server can hold. */
export function formatCpu(cores: number): string {
  return `${Math.round(cores * 1000)}m`;
}

function invalid(message: string, hint: string): TmuxAgentsError {
  return new TmuxAgentsError('invalid-input', message, hint);
}

/** A memory setting (quantity string, or bytes as a number) as a checked quantity string. */
export function memoryQuantity(value: string | number, what: string): string {
  const bytes = typeof value === 'number' ? value : parseQuantity(value);
  if (bytes === undefined || !Number.isFinite(bytes) || !Number.isInteger(bytes) || bytes < MIN_MEMORY_BYTES) {
    throw invalid(`${what} ${JSON.stringify(value)} is not a memory size of at least 6Mi.`, 'Write it as Kubernetes does, e.g. "4Gi" or "512Mi" (or a number of bytes).');
  }
  return typeof value === 'number' ? formatMemory(value) : value;
}

/** A CPU setting (quantity string such as "2000m" or "1.5", or cores as a number) as a checked quantity string. */
export function cpuQuantity(value: string | number, what: string): string {
  const cores = typeof value === 'number' ? value : parseQuantity(value);
  if (cores === undefined || !Number.isFinite(cores) || cores < MIN_CPU_CORES) {
    throw invalid(`${what} ${JSON.stringify(value)} is not a CPU amount of at least 1m.`, 'Write it as Kubernetes does, e.g. "2000m", "500m" or "1.5" (or a number of CPUs).');
  }
  return typeof value === 'number' ? formatCpu(value) : value;
}

/** A storage size (PVC request) as a checked quantity string. */
export function storageQuantity(value: string, what: string): string {
  const bytes = parseQuantity(value);
  if (bytes === undefined || bytes < 1) {
    throw invalid(`${what} ${JSON.stringify(value)} is not a storage size.`, 'Write it as Kubernetes does, e.g. "10Gi".');
  }
  return value;
}
