// Byte-exact layout. Expected strings were worked out by hand from Go's tabwriter rules: a column is as
// wide as its widest cell plus the padding (3 for kubectl get, 2 for describe) and at least minwidth
// (6 for kubectl get); the last cell of a line is never padded; a column is aligned only over
// consecutive lines that have it.
import { describe, expect, it } from 'vitest';
import { tabwrite } from '../../../src/printers/go-tabwriter.js';
import { cellText, formatTable, newKubectlTabWriter, noResourcesMessage, printTable } from '../../../src/printers/tabwriter.js';

describe('formatTable (kubectl get layout)', () => {
  it('lays out `kubectl get pods`', () => {
    const out = formatTable(
      ['NAME', 'READY', 'STATUS', 'RESTARTS', 'AGE'],
      [
        ['hello-5d59d67564-a2958', '1/1', 'Running', '0', '5m'],
        ['liveness-exec', '0/1', 'CrashLoopBackOff', '3 (42s ago)', '2m10s'],
      ],
    );
    expect(out).toBe(
      'NAME                     READY   STATUS             RESTARTS      AGE\n' +
      'hello-5d59d67564-a2958   1/1     Running            0             5m\n' +
      'liveness-exec            0/1     CrashLoopBackOff   3 (42s ago)   2m10s\n',
    );
  });

  it('pads a narrow column to the minimum width of 6', () => {
    expect(formatTable(['NAME', 'V', 'AGE'], [['a', '1', '5s']])).toBe('NAME   V     AGE\na      1     5s\n');
  });

  it('never pads the last cell, but keeps the padding of an empty cell before it', () => {
    // Go writes the AGE cell padded and then an empty last cell: the line ends in spaces, as kubectl's does.
    expect(formatTable(['NAME', 'AGE', 'APP'], [['web', '5s', '']])).toBe('NAME   AGE   APP\nweb    5s    \n');
  });

  it('counts characters, not UTF-16 units', () => {
    expect(formatTable(['NAME', 'X'], [['😀', 'y']])).toBe('NAME   X\n😀      y\n');
  });
});

describe('tabwrite (describe layout: minwidth 0, padding 2)', () => {
  it('aligns only consecutive lines with tabs (column blocks)', () => {
    const text = 'Name:\tx\nNamespace:\tdefault\nIPs:\n  IP:\t10.0.0.1\nControlled By:\tReplicaSet/rs\n';
    expect(tabwrite(text, { minwidth: 0, tabwidth: 8, padding: 2, padchar: ' ' })).toBe(
      'Name:       x\n' +
      'Namespace:  default\n' +
      'IPs:\n' +
      '  IP:           10.0.0.1\n' +
      'Controlled By:  ReplicaSet/rs\n',
    );
  });

  it('aligns a second column only over the lines that have it', () => {
    const text = 'Port:\t<unset>\t80/TCP\nTargetPort:\t8080/TCP\n';
    expect(tabwrite(text, { minwidth: 0, tabwidth: 8, padding: 2, padchar: ' ' })).toBe(
      'Port:        <unset>  80/TCP\n' +
      'TargetPort:  8080/TCP\n',
    );
  });
});

describe('remembered widths (kubectl get -w)', () => {
  it('never shrinks a column across flushes, and grows it when needed', () => {
    const w = newKubectlTabWriter();
    const table = (rows: string[][], noHeaders: boolean) => printTable(
      { columnDefinitions: [{ name: 'Name', type: 'string', format: 'name', priority: 0 }, { name: 'Status', type: 'string', format: '', priority: 0 }], rows: rows.map((cells) => ({ cells })) },
      { wide: false, noHeaders, writer: w },
    );
    expect(table([['web-1', 'Running']], false)).toBe('NAME    STATUS\nweb-1   Running\n');
    expect(table([['a', 'Pending']], true)).toBe('a       Pending\n');
    expect(table([['a-much-longer-name', 'Running']], true)).toBe('a-much-longer-name   Running\n');
    expect(table([['b', 'Running']], true)).toBe('b                    Running\n');
  });
});

describe('cells', () => {
  it('cuts a cell at its first line break and marks the cut', () => {
    expect(cellText('first\nsecond')).toBe('first...');
  });
  it('makes terminal escapes visible', () => {
    expect(cellText('\x1b[31mred')).toBe('^[[31mred');
  });
  it('prints numbers and empty cells', () => {
    expect(cellText(3)).toBe('3');
    expect(cellText(undefined)).toBe('');
  });
});

describe('noResourcesMessage', () => {
  it('names the namespace, or not for all namespaces', () => {
    expect(noResourcesMessage('default')).toBe('No resources found in default namespace.');
    expect(noResourcesMessage()).toBe('No resources found');
  });
});
