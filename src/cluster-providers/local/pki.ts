// Certificates for the local cluster: one CA signs every server and client certificate.
// openssl does the cryptography (Node has no X.509 issuing API); keys are EC P-256 because
// they are fast to generate, and every key file is written 0600.
import { randomBytes } from 'node:crypto';
import { chmod, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { execa } from 'execa';

export interface CertificateRequest {
  /** File stem: <name>.crt and <name>.key */
  name: string;
  commonName: string;
  organization?: string;
  /** DNS names and IP addresses, e.g. ["localhost", "IP:127.0.0.1"]. */
  altNames?: string[];
  usage: 'server' | 'client' | 'both';
}

export interface Pki {
  dir: string;
  caCert: string;
  caKey: string;
  cert(name: string): string;
  key(name: string): string;
}

const days = '30';

async function newKey(file: string): Promise<void> {
  await execa('openssl', ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file]);
  await chmod(file, 0o600);
}

function subject(commonName: string, organization?: string): string {
  return organization ? `/O=${organization}/CN=${commonName}` : `/CN=${commonName}`;
}

export async function createPki(dir: string, requests: CertificateRequest[]): Promise<Pki> {
  const file = (name: string, ext: string): string => path.join(dir, `${name}.${ext}`);
  const caCert = file('ca', 'crt');
  const caKey = file('ca', 'key');
  await newKey(caKey);
  await execa('openssl', ['req', '-x509', '-new', '-key', caKey, '-subj', '/CN=lesson-harness-ca', '-days', days, '-out', caCert,
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign,digitalSignature']);

  // Issue in parallel: they do not depend on each other (hence random serials rather than a
  // shared serial file). One openssl process per certificate (key, request and signature in one
  // `req -CA`), not three: 40 process starts took 1.5 s of a cluster start on a loaded machine.
  // The config file holds only our extensions, so none of openssl.cnf's defaults (v3_ca) slip in.
  await Promise.all(requests.map(async (req) => {
    const key = file(req.name, 'key');
    const config = file(req.name, 'cnf');
    const usages = { server: 'serverAuth', client: 'clientAuth', both: 'serverAuth,clientAuth' }[req.usage];
    const lines = ['[req]', 'distinguished_name = dn', '[dn]', '[leaf]',
      'basicConstraints=CA:FALSE', 'keyUsage=critical,digitalSignature,keyEncipherment', `extendedKeyUsage=${usages}`];
    if (req.altNames?.length) {
      lines.push(`subjectAltName=${req.altNames.map((n) => (n.startsWith('IP:') ? n : `DNS:${n}`)).join(',')}`);
    }
    await writeFile(config, `${lines.join('\n')}\n`);
    await execa('openssl', ['req', '-new', '-config', config, '-extensions', 'leaf', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-noenc', '-keyout', key,
      '-subj', subject(req.commonName, req.organization), '-CA', caCert, '-CAkey', caKey, '-set_serial', `0x${randomBytes(16).toString('hex')}`, '-days', days,
      '-out', file(req.name, 'crt')]);
    await chmod(key, 0o600);
  }));

  return { dir, caCert, caKey, cert: (name) => file(name, 'crt'), key: (name) => file(name, 'key') };
}

/** A service-account signing key pair (the apiserver verifies, the controller-manager signs). */
export async function createServiceAccountKey(dir: string): Promise<{ privateKey: string; publicKey: string }> {
  const privateKey = path.join(dir, 'service-account.key');
  const publicKey = path.join(dir, 'service-account.pub');
  await newKey(privateKey);
  await execa('openssl', ['pkey', '-in', privateKey, '-pubout', '-out', publicKey]);
  return { privateKey, publicKey };
}
