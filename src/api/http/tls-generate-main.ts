// The process that makes a home's CA and API certificate (tls.ts ensureTls starts it): reads the names the
// certificate carries as JSON on stdin, writes the PEMs as JSON on stdout, and exits. Its own process because
// the certificate library (@peculiar/x509 with its ASN.1 and reflection packages) is needed once per home,
// and loaded into a control plane it would stay there for the process's life: ~6 MB of a daemon's
// resident memory (docs/performance.md, decision 248). The CA's private key dies with this process.
import { generateTls, type TlsNames } from './tls.js';

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk: string) => { input += chunk; });
process.stdin.on('end', () => {
  void (async () => {
    const names = JSON.parse(input || '{"dns":[],"ips":[]}') as TlsNames;
    process.stdout.write(JSON.stringify(await generateTls(names)));
  })().catch((err: Error) => {
    process.stderr.write(`${err.stack ?? err.message}\n`);
    process.exitCode = 1;
  });
});
