// The API's TLS identity. kubectl only sends its bearer token over https, and Go >= 1.15 rejects
// certificates without SANs, so on first start we make a private CA (ECDSA P-256, 10 years) and a server
// certificate for IP:127.0.0.1 and DNS:localhost signed by it. Kubeconfigs embed ca.crt.
//
// The CA's private key is deliberately never written: nothing can mint more certificates trusted by
// that CA. When the server files are missing or unusable, a fresh CA and certificate are made together
// (kubeconfigs are rewritten from ca.crt by the CLI anyway).
import { webcrypto, X509Certificate as NodeX509, createPrivateKey } from 'node:crypto';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSecret } from './secret-file.js';

export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

const TEN_YEARS_MS = 10 * 365.25 * 24 * 3600 * 1000;
const EC = { name: 'ECDSA', namedCurve: 'P-256' } as const;
const SIGN = { name: 'ECDSA', hash: 'SHA-256' } as const;

/** Names the server certificate carries besides IP:127.0.0.1 and DNS:localhost (the kubernetes Service's). */
export interface TlsNames {
  dns: string[];
  ips: string[];
}

export function tlsPaths(home: string): { ca: string; cert: string; key: string } {
  return { ca: path.join(home, 'ca.crt'), cert: path.join(home, 'apiserver.crt'), key: path.join(home, 'apiserver.key') };
}

/** Loads the CA and server certificate from home, generating them on first use. */
export async function ensureTls(home: string, names: TlsNames = { dns: [], ips: [] }): Promise<TlsMaterial> {
  const existing = loadTls(home, names);
  if (existing) return existing;
  const made = await generateTlsInChild(names);
  const p = tlsPaths(home);
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  writeSecret(p.key, made.keyPem, 0o600);
  writeSecret(p.cert, made.certPem, 0o644);
  writeSecret(p.ca, made.caPem, 0o644);
  return made;
}

function loadTls(home: string, names: TlsNames): TlsMaterial | undefined {
  const p = tlsPaths(home);
  try {
    const material = { caPem: fs.readFileSync(p.ca, 'utf8'), certPem: fs.readFileSync(p.cert, 'utf8'), keyPem: fs.readFileSync(p.key, 'utf8') };
    // Reuse only what still works: parseable, signed by this CA, not expiring within a day.
    const ca = new NodeX509(material.caPem);
    const cert = new NodeX509(material.certPem);
    createPrivateKey(material.keyPem);
    if (!cert.verify(ca.publicKey) || Date.parse(cert.validTo) < Date.now() + 24 * 3600 * 1000) return undefined;
    // a certificate without a name pods now use (the kubernetes Service's) is made again
    const sans = new Set((cert.subjectAltName ?? '').split(', '));
    if (![...names.dns.map((d) => `DNS:${d}`), ...names.ips.map((i) => `IP Address:${i}`)].every((n) => sans.has(n))) return undefined;
    fs.chmodSync(p.key, 0o600);
    return material;
  } catch {
    return undefined;
  }
}

/**
 * generateTls in a process of its own (tls-generate-main.ts), so the certificate library is never loaded
 * into the control plane (decision 248). Where that file is not next to this one (a bundle), in process.
 */
async function generateTlsInChild(names: TlsNames): Promise<TlsMaterial> {
  const main = fileURLToPath(new URL('./tls-generate-main.js', import.meta.url));
  if (!fs.existsSync(main)) return generateTls(names);
  return new Promise((resolve, reject) => {
    const child = execFile(process.execPath, [main], { maxBuffer: 1024 * 1024, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) { reject(new Error(`making the API's certificate: ${stderr.trim() || err.message}`)); return; }
      try {
        resolve(JSON.parse(stdout) as TlsMaterial);
      } catch (e) {
        reject(new Error(`making the API's certificate: ${(e as Error).message}`));
      }
    });
    child.stdin?.end(JSON.stringify(names));
  });
}

export async function generateTls(names: TlsNames = { dns: [], ips: [] }): Promise<TlsMaterial> {
  // Loaded only when certificates are made (once per home): a third of the package's import time,
  // which every test file using the library would pay otherwise (bench/startup).
  await import('reflect-metadata'); // @peculiar/x509 loads tsyringe, which needs the Reflect metadata API first
  const x509 = await import('@peculiar/x509');
  // @peculiar/x509 is typed against the DOM's Crypto; Node's webcrypto is that same API.
  type X509Crypto = NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[1]>;
  const crypto = webcrypto as unknown as X509Crypto;
  const subtle = webcrypto.subtle;
  const notBefore = new Date(Date.now() - 60_000); // tolerate small clock skew
  const notAfter = new Date(notBefore.getTime() + TEN_YEARS_MS);

  const caKeys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: 'CN=mini-kube-ca',
    notBefore, notAfter,
    signingAlgorithm: SIGN,
    keys: caKeys,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
    ],
  }, crypto);

  const serverKeys = (await subtle.generateKey(EC, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: 'CN=mini-kube-apiserver',
    issuer: ca.subject,
    notBefore, notAfter,
    signingAlgorithm: SIGN,
    publicKey: serverKeys.publicKey,
    signingKey: caKeys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        { type: 'ip', value: '127.0.0.1' }, { type: 'dns', value: 'localhost' },
        ...names.dns.map((value) => ({ type: 'dns' as const, value })), ...names.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await x509.SubjectKeyIdentifierExtension.create(serverKeys.publicKey, false, crypto),
      await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey, false, crypto),
    ],
  }, crypto);

  const pkcs8 = await subtle.exportKey('pkcs8', serverKeys.privateKey);
  return {
    caPem: ca.toString('pem') + '\n',
    certPem: cert.toString('pem') + '\n',
    keyPem: x509.PemConverter.encode(pkcs8, 'PRIVATE KEY') + '\n',
  };
}

/** 16 random bytes with the top bit clear: a positive serial, as RFC 5280 requires. */
function randomSerial(): string {
  const bytes = webcrypto.getRandomValues(new Uint8Array(16));
  bytes[0] = bytes[0]! & 0x7f | 0x01;
  return Buffer.from(bytes).toString('hex');
}
