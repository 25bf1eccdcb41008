// A tar archive of bare directory entries, each with a mode and owner. Docker's archive
// API extracts it into a created (never started) helper container whose volumes are
// mounted at those directories, which sets the mode and owner of each volume's root:
// how this server gives an emptyDir its world-writable 0777 and a volume of a pod with
// fsGroup its group, without running any process.

export interface DirectoryEntry {
  name: string;
  mode: number;
  uid: number;
  gid: number;
}

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

function header(entry: DirectoryEntry): Buffer {
  const h = Buffer.alloc(512, 0);
  const name = entry.name.endsWith('/') ? entry.name : `${entry.name}/`;
  if (Buffer.byteLength(name) > 100) throw new Error(`tar entry name too long: ${name}`);
  h.write(name, 0, 'utf8');
  h.write(octal(entry.mode, 8), 100, 'ascii');
  h.write(octal(entry.uid, 8), 108, 'ascii');
  h.write(octal(entry.gid, 8), 116, 'ascii');
  h.write(octal(0, 12), 124, 'ascii'); // size
  h.write(octal(Math.floor(Date.now() / 1000), 12), 136, 'ascii'); // mtime
  h.write('        ', 148, 'ascii'); // the checksum is summed with its own field as spaces
  h.write('5', 156, 'ascii'); // typeflag: directory
  h.write('ustar\0', 257, 'ascii');
  h.write('00', 263, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

export function directoriesTar(entries: DirectoryEntry[]): Buffer {
  // Two zero blocks end the archive.
  return Buffer.concat([...entries.map(header), Buffer.alloc(1024, 0)]);
}
