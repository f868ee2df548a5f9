// ensureTls makes a home's identity in a process of its own (decision 248): what comes back and is written
// is a CA and a server certificate it signed, with the names asked for, and a key that matches. The built
// module (dist/) is what has tls-generate-main.js beside it, so that child process is the one tested here;
// run from the sources (as vitest imports them), tls.ts makes the identity in process.
import { X509Certificate, createPrivateKey, createPublicKey } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type * as Tls from '../../../../src/api/http/tls.js';

const built = new URL('../../../../dist/src/api/http/tls.js', import.meta.url);
const { ensureTls, tlsPaths } = await import(built.href) as typeof Tls;

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'mk-tls-'));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('ensureTls', () => {
  it('is built with its generating process beside it (npm run build)', () => {
    expect(fs.existsSync(new URL('./tls-generate-main.js', built))).toBe(true);
  });

  it('makes a CA and a certificate it signed, with the names asked for, and writes them (key 0600)', async () => {
    const made = await ensureTls(home, { dns: ['kubernetes.default.svc'], ips: ['10.96.0.1'] });
    const ca = new X509Certificate(made.caPem);
    const cert = new X509Certificate(made.certPem);
    expect(cert.verify(ca.publicKey)).toBe(true);
    expect(cert.subjectAltName?.split(', ')).toEqual(expect.arrayContaining(['IP Address:127.0.0.1', 'DNS:localhost', 'DNS:kubernetes.default.svc', 'IP Address:10.96.0.1']));
    expect(createPublicKey(createPrivateKey(made.keyPem)).export({ format: 'pem', type: 'spki' })).toBe(cert.publicKey.export({ format: 'pem', type: 'spki' }));
    const p = tlsPaths(home);
    expect(fs.readFileSync(p.cert, 'utf8')).toBe(made.certPem);
    expect(fs.statSync(p.key).mode & 0o777).toBe(0o600);
  });

  it('reuses what it wrote when the names are still carried', async () => {
    const first = fs.readFileSync(tlsPaths(home).cert, 'utf8');
    const again = await ensureTls(home, { dns: ['kubernetes.default.svc'], ips: [] });
    expect(again.certPem).toBe(first);
  });
});
