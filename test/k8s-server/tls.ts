// A throw-away certificate authority and a server certificate for 127.0.0.1, made with
// the openssl CLI at start. HTTPS (not plain HTTP) because client-node refuses http://
// servers unless TLS verification is switched off, and the runtime must be tested on the
// same verified-TLS path a real cluster uses (certificate-authority-data in kubeconfig).
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TlsMaterial {
  caCert: Buffer;
  caCertPath: string;
  cert: Buffer;
  key: Buffer;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new Error(`openssl ${args[0]} failed: ${e.stderr ?? e.message}`);
  }
}

/** Writes ca.crt, server.crt and their keys into `dir` and returns them. */
export async function generateTls(dir: string): Promise<TlsMaterial> {
  const curve = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await openssl(
    [
      'req', '-x509', ...curve, '-days', '2', '-subj', '/CN=tmux-agents-test-ca',
      '-keyout', 'ca.key', '-out', 'ca.crt',
      '-addext', 'basicConstraints=critical,CA:TRUE',
      '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await openssl(['req', '-new', ...curve, '-subj', '/CN=kube-apiserver', '-keyout', 'server.key', '-out', 'server.csr'], dir);
  await writeFile(
    join(dir, 'server.ext'),
    [
      'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes.default.svc',
      'extendedKeyUsage=serverAuth',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'basicConstraints=CA:FALSE',
      '',
    ].join('\n'),
  );
  await openssl(
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'server.crt'],
    dir,
  );
  const [caCert, cert, key] = await Promise.all([
    readFile(join(dir, 'ca.crt')),
    readFile(join(dir, 'server.crt')),
    readFile(join(dir, 'server.key')),
  ]);
  return { caCert, caCertPath: join(dir, 'ca.crt'), cert, key };
}
