// Host key verification against OpenSSH known_hosts files, so connecting through this
// runtime is exactly as safe as `ssh` with StrictHostKeyChecking=yes: a key we have not
// seen, or one that changed, is refused, never accepted silently. Pure functions; the
// connection reads the files and turns a verdict into an error (sshErrors.ts).
import { createHash, createHmac } from 'node:crypto';

export interface KnownHostsEntry {
  /** Where the line came from, for messages ("~/.ssh/known_hosts:12"). */
  source: string;
  line: number;
  marker?: 'revoked' | 'cert-authority';
  /** Comma-separated host patterns, or one hashed `|1|salt|hash` entry. */
  patterns: string[];
  keyType: string;
  key: Buffer;
}

/** Parses a known_hosts file; malformed lines are skipped like OpenSSH does. */
export function parseKnownHosts(text: string, source = 'known_hosts'): KnownHostsEntry[] {
  const out: KnownHostsEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/[ \t]+/);
    let marker: KnownHostsEntry['marker'];
    if (fields[0]?.startsWith('@')) {
      const m = fields.shift();
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return;
    }
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return;
    const key = Buffer.from(b64, 'base64');
    // The blob starts with its own type name; a line whose type disagrees is corrupt.
    if (blobKeyType(key) !== keyType) return;
    out.push({ source, line: i + 1, marker, patterns: hosts.split(','), keyType, key });
  });
  return out;
}

/** The key type name stored at the start of an SSH public key blob. */
export function blobKeyType(blob: Buffer): string | undefined {
  if (blob.length < 4) return undefined;
  const n = blob.readUInt32BE(0);
  if (n <= 0 || n > 64 || 4 + n > blob.length) return undefined;
  return blob.subarray(4, 4 + n).toString('latin1');
}

/** The name known_hosts stores for a host: `host` on port 22, `[host]:port` otherwise. */
export function knownHostsName(host: string, port: number): string {
  const h = host.toLowerCase();
  return port === 22 ? h : `[${h}]:${port}`;
}

/** A hashed (`HashKnownHosts yes`) entry: `|1|base64(salt)|base64(HMAC-SHA1(salt, name))`. */
export function hashKnownHostsName(name: string, salt: Buffer): string {
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

function matchesHashed(pattern: string, name: string): boolean {
  const parts = pattern.split('|');
  // ['', '1', salt, hash]
  if (parts.length !== 4 || parts[1] !== '1' || !parts[2] || !parts[3]) return false;
  return hashKnownHostsName(name, Buffer.from(parts[2], 'base64')) === pattern;
}

/** OpenSSH's glob: `*` any run, `?` one character, case-insensitive. */
export function globMatch(pattern: string, text: string): boolean {
  const re = pattern
    .toLowerCase()
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${re}$`, 's').test(text.toLowerCase());
}

/** Whether an entry's host field names `name`; a matching negated pattern (`!x`) vetoes the line. */
export function entryMatches(entry: KnownHostsEntry, name: string): boolean {
  let positive = false;
  for (const p of entry.patterns) {
    if (p.startsWith('|')) {
      if (matchesHashed(p, name)) positive = true;
    } else if (p.startsWith('!')) {
      if (globMatch(p.slice(1), name)) return false;
    } else if (globMatch(p, name)) {
      positive = true;
    }
  }
  return positive;
}

/** `SHA256:<base64 without padding>`, exactly as `ssh-keygen -l` prints it. */
export function fingerprintSha256(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

/** OpenSSH's short label for a key type (ED25519, RSA, ECDSA, ...), for messages. */
export function keyTypeLabel(keyType: string): string {
  if (keyType === 'ssh-ed25519') return 'ED25519';
  if (keyType === 'ssh-rsa') return 'RSA';
  if (keyType === 'ssh-dss') return 'DSA';
  if (keyType.startsWith('ecdsa-sha2-')) return 'ECDSA';
  if (keyType.startsWith('sk-ssh-ed25519')) return 'ED25519-SK';
  if (keyType.startsWith('sk-ecdsa')) return 'ECDSA-SK';
  return keyType;
}

export interface HostKeyMismatch {
  entry: KnownHostsEntry;
  fingerprint: string;
}

export type HostKeyVerdict =
  | { kind: 'trusted'; entry: KnownHostsEntry }
  /** No line for this host has this key. `otherTypes`: keys of other types that are known for it. */
  | { kind: 'unknown'; fingerprint: string; keyType: string; otherTypes: string[] }
  /** A line for this host has a different key of the same type: possibly an attack. */
  | { kind: 'changed'; fingerprint: string; keyType: string; known: HostKeyMismatch[] }
  | { kind: 'revoked'; fingerprint: string; keyType: string; entry: KnownHostsEntry };

/** Decides what the server's host key blob means for `host`:`port`, like OpenSSH's check_host_in_hostfile. */
export function verifyHostKey(entries: readonly KnownHostsEntry[], host: string, port: number, serverKey: Buffer): HostKeyVerdict {
  const name = knownHostsName(host, port);
  const keyType = blobKeyType(serverKey) ?? 'unknown';
  const fingerprint = fingerprintSha256(serverKey);
  // Host certificates are not supported; CA lines are not host keys, so they never match.
  const matching = entries.filter((e) => e.marker !== 'cert-authority' && entryMatches(e, name));
  const revoked = matching.find((e) => e.marker === 'revoked' && e.key.equals(serverKey));
  if (revoked) return { kind: 'revoked', fingerprint, keyType, entry: revoked };
  const plain = matching.filter((e) => e.marker === undefined);
  const trusted = plain.find((e) => e.key.equals(serverKey));
  if (trusted) return { kind: 'trusted', entry: trusted };
  const sameType = plain.filter((e) => e.keyType === keyType);
  if (sameType.length) {
    return { kind: 'changed', fingerprint, keyType, known: sameType.map((entry) => ({ entry, fingerprint: fingerprintSha256(entry.key) })) };
  }
  return { kind: 'unknown', fingerprint, keyType, otherTypes: [...new Set(plain.map((e) => e.keyType))] };
}

// Host key algorithms (as negotiated) for each key type a known_hosts line can hold.
const ALGORITHMS_FOR_TYPE: Record<string, string[]> = {
  'ssh-ed25519': ['ssh-ed25519'],
  'ecdsa-sha2-nistp256': ['ecdsa-sha2-nistp256'],
  'ecdsa-sha2-nistp384': ['ecdsa-sha2-nistp384'],
  'ecdsa-sha2-nistp521': ['ecdsa-sha2-nistp521'],
  'ssh-rsa': ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'],
};

/**
 * Host key algorithms to ask for first: those of keys already known for the host. A server
 * offering both ED25519 and RSA keys, of which only RSA is in known_hosts, must be asked
 * for RSA, or a trusted host would look unknown (OpenSSH orders its offer the same way).
 */
export function preferredHostKeyAlgorithms(entries: readonly KnownHostsEntry[], host: string, port: number): string[] {
  const name = knownHostsName(host, port);
  const out: string[] = [];
  for (const e of entries) {
    if (e.marker !== undefined || !entryMatches(e, name)) continue;
    for (const a of ALGORITHMS_FOR_TYPE[e.keyType] ?? []) if (!out.includes(a)) out.push(a);
  }
  return out;
}
