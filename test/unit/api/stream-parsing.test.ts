// The small parsers of the streaming subresources: resize messages (both spellings clients send) and the
// port list of a WebSocket port-forward.
import { describe, expect, it } from 'vitest';
import { parseTerminalSize } from '../../../src/api/streaming/terminal-size.js';
import { parsePortsQuery } from '../../../src/api/streaming/portforward-websocket.js';

describe('parseTerminalSize', () => {
  it.each([
    ['{"Width":80,"Height":24}', { width: 80, height: 24 }], // kubectl (client-go TerminalSize)
    ['{"width":77,"height":21}', { width: 77, height: 21 }], // client-node's TerminalSizeQueue
    ['{"WIDTH":1,"height":0}', { width: 1, height: 0 }], // Go's encoding/json is case-insensitive
    ['{"Width":80}', undefined],
    ['{"Width":"80","Height":24}', undefined],
    ['{"Width":70000,"Height":24}', undefined], // uint16 on the kubelet
    ['not json', undefined],
    ['null', undefined],
  ])('%s', (text, want) => {
    expect(parseTerminalSize(text)).toEqual(want);
  });
});

describe('parsePortsQuery', () => {
  it.each([
    ['ports=80', [80]],
    ['ports=80&ports=8080', [80, 8080]],
    ['ports=80,8080', [80, 8080]],
    ['port=9000', [9000]],
    ['', []],
  ])('%s', (q, want) => {
    expect(parsePortsQuery(new URLSearchParams(q))).toEqual(want);
  });

  it.each(['ports=0', 'ports=65536', 'ports=http', 'ports=-1'])('refuses %s', (q) => {
    expect(() => parsePortsQuery(new URLSearchParams(q))).toThrow(/unable to parse/);
  });
});
