import { describe, expect, it } from 'vitest';
import { PendingDials } from '../../../src/service-proxy/pending-dials.js';

describe('pending dials', () => {
  it('abandons the connects whose pod or address is no longer usable, and only those', () => {
    const dials = new PendingDials();
    const abandoned: string[] = [];
    const dial = (name: string, podUid: string, host: string) =>
      dials.add({ podUid, host, port: 8080, abandon: () => abandoned.push(name) });
    dial('kept', 'a', '10.0.0.1');
    dial('moved', 'b', '10.0.0.2');
    dial('gone', 'c', '10.0.0.3');
    const settled = dial('settled', 'd', '10.0.0.4');
    settled();
    dials.sweep([{ podUid: 'a', host: '10.0.0.1', port: 8080 }, { podUid: 'b', host: '10.0.0.9', port: 8080 }]);
    expect(abandoned.sort()).toEqual(['gone', 'moved']);
    expect(dials.size).toBe(1);
    // An abandoned connect is forgotten: a second sweep does not abandon it again.
    dials.sweep([]);
    expect(abandoned.sort()).toEqual(['gone', 'kept', 'moved']);
    expect(dials.size).toBe(0);
  });
});
