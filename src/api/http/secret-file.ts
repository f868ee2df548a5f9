// Writing files that must never be readable by other users (keys, tokens): created 0600 in a 0700 dir,
// via a temporary file and rename so a crash never leaves half a key behind.
import * as fs from 'node:fs';
import * as path from 'node:path';

export function writeSecret(file: string, data: string, mode = 0o600): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}
