// src/api/duration.ts: Go's time.ParseDuration / Duration.String(), the one duration grammar.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoDuration, formatGoDurationMs, parseGoDurationMs, parseGoDurationNs, parseGoDurationResult, parseGoDurationSeconds } from '../../src/api/duration.ts';

const S = 1e9;
const H = 3600 * S;

describe('parseGoDurationNs (Go time.ParseDuration)', () => {
  const good: [string, number][] = [
    ['0', 0],
    ['+0', 0],
    ['-0', 0],
    ['0s', 0],
    ['1h30m', 1.5 * H],
    ['1h2m3.5s', 3723.5 * S],
    ['1.5s', 1.5 * S],
    ['-1s', -S],
    ['+2m', 120 * S],
    ['.5s', 0.5 * S],
    ['1.s', S],
    ['48h', 48 * H],
    ['300ms', 300e6],
    ['1500us', 1.5e6],
    ['3µs', 3000], // U+00B5
    ['3μs', 3000], // U+03BC
    ['7ns', 7],
    ['1.5ns', 1], // fractions truncate to whole nanoseconds
    ['9223372036854775807ns', Number(2n ** 63n - 1n)],
    ['-9223372036854775808ns', -Number(2n ** 63n)],
  ];
  for (const [s, ns] of good) it(`${JSON.stringify(s)} = ${ns} ns`, () => assert.equal(parseGoDurationNs(s), ns));

  const bad: [string, string][] = [
    ['', 'time: invalid duration ""'],
    ['1', 'time: missing unit in duration "1"'],
    ['1d', 'time: unknown unit "d" in duration "1d"'],
    ['1ss', 'time: unknown unit "ss" in duration "1ss"'],
    ['µs', 'time: invalid duration "µs"'],
    ['s', 'time: invalid duration "s"'],
    ['-', 'time: invalid duration "-"'],
    ['.s', 'time: invalid duration ".s"'],
    ['1..5s', 'time: missing unit in duration "1..5s"'],
    [' 1s', 'time: invalid duration " 1s"'],
    ['1s ', 'time: unknown unit "s " in duration "1s "'],
    ['1h 30m', 'time: unknown unit "h " in duration "1h 30m"'],
    ['--1s', 'time: invalid duration "--1s"'],
    ['disabled', 'time: invalid duration "disabled"'],
    ['9223372036854775808ns', 'time: invalid duration "9223372036854775808ns"'],
    ['2562048h', 'time: invalid duration "2562048h"'], // > 2^63-1 ns
    ['99999999999999999999h', 'time: invalid duration "99999999999999999999h"'],
  ];
  for (const [s, msg] of bad) {
    it(`rejects ${JSON.stringify(s)}`, () => {
      assert.equal(parseGoDurationNs(s), undefined);
      assert.deepEqual(parseGoDurationResult(s), { error: msg });
    });
  }

  it('converts to ms and seconds; undefined stays undefined', () => {
    assert.equal(parseGoDurationMs('1m30s'), 90_000);
    assert.equal(parseGoDurationSeconds('10m'), 600);
    assert.equal(parseGoDurationSeconds(undefined), undefined);
    assert.equal(parseGoDurationMs('x'), undefined);
  });
});

describe('formatGoDuration (Go Duration.String())', () => {
  const cases: [number, string][] = [
    [0, '0s'],
    [48 * H, '48h0m0s'],
    [H, '1h0m0s'],
    [90 * S, '1m30s'],
    [6 * S, '6s'],
    [1.5 * S, '1.5s'],
    [-60 * S, '-1m0s'],
    [250e6, '250ms'],
    [1500, '1.5µs'],
    [7, '7ns'],
  ];
  for (const [ns, s] of cases) it(`${ns} ns → ${s}`, () => assert.equal(formatGoDuration(ns), s));
  it('formats milliseconds', () => assert.equal(formatGoDurationMs(90_000), '1m30s'));
});
