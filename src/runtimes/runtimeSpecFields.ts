// Typed reads of one `tmuxAgents.runtimes` entry (user-edited JSON): a wrong type is a
// clear error naming the runtime and the field, never a silent default.
import { TmuxAgentsError } from '../core/errors';

/** One entry of the `tmuxAgents.runtimes` setting. */
export interface RuntimeSpec {
  type: string;
  id: string;
  label?: string;
  [option: string]: unknown;
}

function wrongType(spec: RuntimeSpec, key: string, what: string): TmuxAgentsError {
  return new TmuxAgentsError('invalid-input', `Runtime "${spec.id}": "${key}" must be ${what}.`, 'Fix this entry in the tmuxAgents.runtimes setting.');
}

const absent = (v: unknown): v is undefined | null => v === undefined || v === null;

export function str(spec: RuntimeSpec, key: string): string | undefined {
  const v = spec[key];
  if (absent(v) || v === '') return undefined;
  if (typeof v !== 'string') throw wrongType(spec, key, 'a string');
  return v;
}

export function num(spec: RuntimeSpec, key: string): number | undefined {
  const v = spec[key];
  if (absent(v)) return undefined;
  if (typeof v !== 'number' || !Number.isFinite(v)) throw wrongType(spec, key, 'a number');
  return v;
}

export function bool(spec: RuntimeSpec, key: string): boolean | undefined {
  const v = spec[key];
  if (absent(v)) return undefined;
  if (typeof v !== 'boolean') throw wrongType(spec, key, 'true or false');
  return v;
}

export function strings(spec: RuntimeSpec, key: string): string[] | undefined {
  const v = spec[key];
  if (absent(v)) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw wrongType(spec, key, 'a list of strings');
  return v as string[];
}

export function stringMap(spec: RuntimeSpec, key: string): Record<string, string> | undefined {
  const v = spec[key];
  if (absent(v)) return undefined;
  if (typeof v !== 'object' || Array.isArray(v) || Object.values(v).some((x) => typeof x !== 'string')) throw wrongType(spec, key, 'an object of strings');
  return v as Record<string, string>;
}

export function strOrNum(spec: RuntimeSpec, key: string): string | number | undefined {
  const v = spec[key];
  if (absent(v) || v === '') return undefined;
  if (typeof v === 'string' || (typeof v === 'number' && Number.isFinite(v))) return v;
  throw wrongType(spec, key, 'a quantity string such as "4Gi" or a number');
}

/** `true`, `false` or a list of strings (e.g. Docker's credentialMounts). */
export function boolOrStrings(spec: RuntimeSpec, key: string): boolean | string[] | undefined {
  const v = spec[key];
  return typeof v === 'boolean' ? v : strings(spec, key);
}
