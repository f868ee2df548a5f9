// The bearer token clients present. Created once in <home>/token (mode 0600) and reused, so a kubeconfig
// written on first start keeps working after restarts.
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeSecret } from './secret-file.js';

export function ensureToken(home: string): string {
  const file = path.join(home, 'token');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing) {
      fs.chmodSync(file, 0o600);
      return existing;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const token = randomBytes(32).toString('base64url');
  writeSecret(file, `${token}\n`);
  return token;
}

/** The key service-account tokens are signed with (HS256), kept like the token so tokens survive restarts. */
export function ensureSigningKey(home: string): Buffer {
  const file = path.join(home, 'service-account.key');
  try {
    const existing = fs.readFileSync(file, 'utf8').trim();
    if (existing) return Buffer.from(existing, 'base64url');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const key = randomBytes(32);
  writeSecret(file, `${key.toString('base64url')}\n`);
  return key;
}
