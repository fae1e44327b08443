// kn's table printer: Go tabwriter semantics, headers, NAMESPACE column, cells.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Condition } from '../../../src/api/meta.ts';
import { conditionsCell, DESCRIBE_TABWRITER, readyCell, reasonCell, renderTable, TABLE_TABWRITER, tabwrite, trunc50 } from '../../../src/cli/output/table.ts';

const cols = [
  { name: 'Name', cell: (o: { metadata: { name: string } }) => o.metadata.name },
  { name: 'Ready', cell: () => 'True' },
  { name: 'Reason', cell: () => '' },
];

describe('tabwrite', () => {
  it('pads every column but the last to widest + 3, minimum 6', () => {
    assert.equal(tabwrite('A\tBB\tC\nxxxxxxx\ty\tz\n', TABLE_TABWRITER), 'A         BB    C\nxxxxxxx   y     z\n');
  });
  it('keeps the trailing padding of an empty last cell', () => {
    assert.equal(tabwrite('a\tb\t\n', TABLE_TABWRITER), 'a     b     \n');
  });
  it('a line without tabs ends the column block', () => {
    assert.equal(tabwrite('Name:\tx\nNamespace:\ty\n\nURL:\tz\n', DESCRIBE_TABWRITER), 'Name:       x\nNamespace:  y\n\nURL:  z\n');
  });
  it('nested columns align per block (describe layout)', () => {
    const text = '  100%\t@latest (h-2) [2] (50s)\n  \tImage:\timg\n  \tReplicas:\t1/1\n';
    assert.equal(tabwrite(text, DESCRIBE_TABWRITER), '  100%  @latest (h-2) [2] (50s)\n        Image:     img\n        Replicas:  1/1\n');
  });
  it('counts characters, not bytes', () => {
    assert.equal(tabwrite('ä\tb\nxy\tc\n', DESCRIBE_TABWRITER), 'ä   b\nxy  c\n');
  });
});

describe('renderTable', () => {
  const rows = [{ metadata: { name: 'hello', namespace: 'default' } }];
  it('upper-cases headers; REASON empty leaves trailing spaces', () => {
    assert.equal(renderTable(cols, rows), 'NAME    READY   REASON\nhello   True    \n');
  });
  it('the per-column fast path equals the general tabwriter', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({ metadata: { name: 'n'.repeat(i % 13 + 1), namespace: 'ns' + 'x'.repeat(i % 5) } }));
    const text = ['NAMESPACE\tNAME\tREADY\tREASON', ...many.map((r) => `${r.metadata.namespace}\t${r.metadata.name}\tTrue\t`)].join('\n') + '\n';
    assert.equal(renderTable(cols, many, { withNamespace: true }), tabwrite(text, TABLE_TABWRITER));
  });
  it('--no-headers', () => {
    assert.equal(renderTable(cols, rows, { noHeaders: true }), 'hello   True   \n');
  });
  it('-A puts NAMESPACE first', () => {
    assert.equal(renderTable(cols, rows, { withNamespace: true }), 'NAMESPACE   NAME    READY   REASON\ndefault     hello   True    \n');
  });
});

describe('cells', () => {
  const c = (type: string, status: Condition['status'], reason?: string, message?: string): Condition => ({ type, status, reason, message });
  it('CONDITIONS counts True over all', () => {
    assert.equal(conditionsCell([c('Ready', 'True'), c('A', 'False'), c('B', 'Unknown')]), '1 OK / 3');
    assert.equal(conditionsCell(undefined), '0 OK / 0');
  });
  it('READY and REASON from the Ready condition', () => {
    assert.equal(readyCell([c('Ready', 'False')]), 'False');
    assert.equal(readyCell([]), '<unknown>');
    assert.equal(reasonCell([c('Ready', 'True', 'X')]), '');
    assert.equal(reasonCell([c('Ready', 'False', 'RevisionFailed', 'boom')]), 'RevisionFailed : boom');
    assert.equal(reasonCell([c('Ready', 'Unknown', 'Deploying')]), 'Deploying');
    assert.equal(reasonCell([]), '<unknown>');
  });
  it('revision list cuts cells to 50 characters', () => {
    assert.equal(trunc50('x'.repeat(50)), 'x'.repeat(50));
    assert.equal(trunc50('x'.repeat(51)), 'x'.repeat(46) + ' ...');
  });
});
