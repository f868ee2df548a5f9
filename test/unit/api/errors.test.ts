import { describe, expect, it } from 'vitest';
import { toStatusError, withoutPaths } from '../../../src/api/http/errors.js';

describe('500 answers', () => {
  it('name no absolute path of the server, only its last component', () => {
    const err = Object.assign(new Error("ENAMETOOLONG: name too long, open '/root/.mini-kube/store/deployments/default_x.json.12.tmp'"), { code: 'ENAMETOOLONG' });
    const s = toStatusError(err);
    expect(s.code).toBe(500);
    expect(s.message).toBe("Internal error occurred: ENAMETOOLONG: name too long, open '…/default_x.json.12.tmp'");
    expect(withoutPaths('EACCES: permission denied, mkdir /home/me/.mini-kube/store')).toBe('EACCES: permission denied, mkdir …/store');
    expect(withoutPaths('a / b and 3/4')).toBe('a / b and 3/4');
  });
});
