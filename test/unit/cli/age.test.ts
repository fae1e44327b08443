// kubectl's HumanDuration (list AGE) and ShortHumanDuration (describe).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { age, ageCell, shortAge } from '../../../src/cli/output/table.ts';

const s = 1000;
const m = 60 * s;
const h = 60 * m;
const d = 24 * h;

describe('age (HumanDuration)', () => {
  const cases: [number, string][] = [
    [-5 * s, '<invalid>'],
    [-1 * s, '0s'],
    [0, '0s'],
    [5 * s, '5s'],
    [119 * s, '119s'],
    [2 * m, '2m'],
    [2 * m + 42 * s, '2m42s'],
    [9 * m + 59 * s, '9m59s'],
    [10 * m + 30 * s, '10m'],
    [179 * m, '179m'],
    [3 * h, '3h'],
    [3 * h + 20 * m, '3h20m'],
    [8 * h + 20 * m, '8h'],
    [47 * h, '47h'],
    [2 * d, '2d'],
    [3 * d + 4 * h, '3d4h'],
    [8 * d + 4 * h, '8d'],
    [729 * d, '729d'],
    [2 * 365 * d, '2y'],
    [2 * 365 * d + 30 * d, '2y30d'],
    [9 * 365 * d, '9y'],
  ];
  for (const [ms, want] of cases) it(`${ms}ms → ${want}`, () => assert.equal(age(ms), want));
  it('ageCell: <unknown> without a timestamp', () => {
    assert.equal(ageCell(undefined), '<unknown>');
    assert.equal(ageCell('2024-01-01T00:00:00Z', Date.parse('2024-01-01T00:02:42Z')), '2m42s');
  });
});

describe('shortAge (ShortHumanDuration)', () => {
  const cases: [number, string][] = [
    [59 * s, '59s'],
    [60 * s, '1m'],
    [59 * m, '59m'],
    [h, '1h'],
    [23 * h, '23h'],
    [d, '1d'],
    [364 * d, '364d'],
    [365 * d, '1y'],
  ];
  for (const [ms, want] of cases) it(`${ms}ms → ${want}`, () => assert.equal(shortAge(ms), want));
});
