// The gateway fuzzer, on demand (test/dataplane/gateway-fuzz.test.ts runs it briefly in CI):
//
//   node bench/gateway-fuzz/run.mjs --seconds 600              # a random seed, printed
//   node bench/gateway-fuzz/run.mjs --seconds 60 --seed 12     # reproducible
//   node bench/gateway-fuzz/run.mjs --seconds 60 --save        # append new findings to the corpus
//
// No network: both parsers run in this process (bench/gateway-fuzz/oracle.ts). Prints the cases
// run, cases/s, the verdicts and every distinct finding; exits 1 when a case is unsafe.
import { readFileSync, appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { fuzz } from './fuzz.ts';

const CORPUS = new URL('../../test/fixtures/gateway-fuzz/corpus.jsonl', import.meta.url);

const { values: v } = parseArgs({
  options: {
    seconds: { type: 'string', default: '60' },
    seed: { type: 'string' },
    'max-cases': { type: 'string' },
    save: { type: 'boolean', default: false },
    waits: { type: 'boolean', default: false },
    'no-corpus': { type: 'boolean', default: false },
  },
});
const seconds = Number(v.seconds);
if (!(seconds > 0 && seconds <= 24 * 3600)) {
  console.error(`--seconds must be a number of seconds between 0 and 86400, got "${v.seconds}"`);
  process.exit(2);
}
const seed = v.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(v.seed);
const corpus = v['no-corpus']
  ? []
  : readFileSync(CORPUS, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l));
const report = await fuzz({ seed, seconds, maxCases: v['max-cases'] === undefined ? undefined : Number(v['max-cases']), corpus, reportWaits: v.waits });
console.log(`gateway fuzz: seed ${seed}, ${report.cases} cases (${corpus.length} from the corpus) in ${report.seconds.toFixed(1)} s = ${Math.round(report.cases / report.seconds)} cases/s`);
const line = (v) => Object.entries(v).map(([k, n]) => `${k} ${n}`).join(', ');
console.log(`verdicts: ${line(report.verdicts)}`);
console.log(`  requests:  ${line(report.byKind.request)}`);
console.log(`  responses: ${line(report.byKind.response)}`);
for (const f of report.findings) console.log(`${f.verdict}: ${f.why}\n  ${JSON.stringify(f.case)}`);
if (v.save && report.findings.length > 0) {
  appendFileSync(CORPUS, report.findings.map((f) => JSON.stringify({ ...f.case, note: `${f.verdict}: ${f.why}`.slice(0, 200) })).join('\n') + '\n');
  console.log(`saved ${report.findings.length} findings to ${CORPUS.pathname}`);
}
process.exit(report.verdicts.unsafe > 0 ? 1 : 0);
