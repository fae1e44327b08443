// `--traffic`, `--tag`, `--untag`: the new spec.traffic computed from the Service and the flags, and
// every upstream error text, as a table. Cases follow upstream's compute_test.go scenarios plus the
// documented workflows (docs/traffic/examples.md).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TrafficTarget } from '../../../src/api/serving/types.ts';
import { computeTraffic, splitByEqualSign, splitSlice, type TrafficContext } from '../../../src/cli/serving/traffic.ts';

/** A target as kn writes one: tag?, revisionName?, latestRevision, percent. */
const t = (tag: string, rev: string, percent: number, latest = false): TrafficTarget => {
  const o: TrafficTarget = {};
  if (tag) o.tag = tag;
  if (!latest && rev) o.revisionName = rev;
  o.latestRevision = latest;
  o.percent = percent;
  return o;
};
const latest = (percent: number, tag = ''): TrafficTarget => t(tag, '', percent, true);
const revs = (...names: string[]) => names.map((name) => ({ name }));

interface Case {
  name: string;
  traffic?: TrafficTarget[]; // spec and status (as upstream's tests use the same block for both)
  args: string[];
  want?: TrafficTarget[];
  err?: string;
  revisions?: { name: string; annotations?: Record<string, string> }[];
  mutation?: boolean;
  latestReady?: string;
  create?: boolean;
  statusTraffic?: TrafficTarget[];
}

/** Parses the argv the way the commands pass the flag values (repeatable, comma-split). */
function flagsOf(args: string[]) {
  const f: Record<string, string[]> = {};
  for (let i = 0; i < args.length; i += 2) (f[args[i]!.replace(/^--/, '')] ??= []).push(args[i + 1]!);
  return {
    traffic: splitSlice(f.traffic),
    tags: splitSlice(f.tag),
    untags: splitSlice(f.untag),
    trafficGiven: f.traffic !== undefined,
  };
}

function run(c: Case): TrafficTarget[] {
  const flags = flagsOf(c.args);
  if (c.create) flags.traffic = ['@latest=100'];
  const ctx: TrafficContext = {
    serviceName: 'svc',
    specTraffic: c.traffic,
    statusTraffic: c.statusTraffic ?? c.traffic,
    latestReadyRevisionName: c.latestReady,
    revisions: c.revisions,
    mutation: c.mutation ?? false,
    create: c.create,
  };
  return computeTraffic(flags, ctx);
}

const OK: Case[] = [
  { name: "tag @latest as 'latest'", traffic: [latest(100)], args: ['--tag', '@latest=latest'], want: [latest(100, 'latest')] },
  { name: 'a bare tag means @latest', traffic: [latest(100)], args: ['--tag', 'latest'], want: [latest(100, 'latest')] },
  { name: 'tag a revision', traffic: [t('', 'echo-v1', 100)], args: ['--tag', 'echo-v1=stable'], want: [t('stable', 'echo-v1', 100)] },
  { name: 're-tag @latest with the same tag is a no-op', traffic: [latest(100, 'current')], args: ['--tag', '@latest=current'], want: [latest(100, 'current')] },
  { name: 're-tag a revision with the same tag is a no-op', traffic: [t('stable', 'echo-v1', 100)], args: ['--tag', 'echo-v1=stable'], want: [t('stable', 'echo-v1', 100)] },
  {
    name: 'split traffic by revision names',
    traffic: [t('', 'echo-v1', 100), latest(0)],
    args: ['--traffic', 'echo-v1=10,@latest=90'],
    want: [t('', 'echo-v1', 10), latest(90)],
  },
  {
    name: 'split traffic by tags',
    traffic: [t('stable', 'echo-v1', 100), latest(0, 'current')],
    args: ['--traffic', 'stable=10', '--traffic', 'current=90'],
    want: [t('stable', 'echo-v1', 10), latest(90, 'current')],
  },
  {
    name: "percents may end in '%'",
    traffic: [t('stable', 'echo-v1', 100), latest(0, 'current')],
    args: ['--traffic', 'stable=10%', '--traffic', 'current=90%'],
    want: [t('stable', 'echo-v1', 10), latest(90, 'current')],
  },
  {
    name: 'a bare percent means @latest',
    traffic: [t('', 'echo-v1', 0), latest(100)],
    args: ['--traffic', '100'],
    want: [latest(100)],
  },
  {
    name: 'an unknown revision is appended',
    traffic: [latest(100)],
    args: ['--traffic', '@latest=50,echo-v0=50'],
    want: [latest(50), t('', 'echo-v0', 50)],
  },
  {
    name: 'a tag wins over a revision of the same name',
    traffic: [t('echo-v2', 'echo-v1', 0), t('', 'echo-v2', 100)],
    args: ['--traffic', 'echo-v2=100'],
    want: [t('echo-v2', 'echo-v1', 100)],
  },
  {
    name: 'tag a revision absent from the traffic block: a new 0% target',
    traffic: [latest(100)],
    args: ['--tag', 'echo-v1=old'],
    want: [latest(100), t('old', 'echo-v1', 0)],
  },
  {
    name: 'a second tag on a tagged revision adds a target',
    traffic: [t('stable', 'echo-v1', 100)],
    args: ['--tag', 'echo-v1=also'],
    want: [t('stable', 'echo-v1', 100), t('also', 'echo-v1', 0)],
  },
  {
    name: '@latest without a latestRevision target gets one appended',
    traffic: [t('', 'echo-v1', 100)],
    args: ['--tag', 'current'],
    want: [t('', 'echo-v1', 100), latest(0, 'current')],
  },
  {
    name: 'untag a revision keeps its traffic',
    traffic: [t('stable', 'echo-v1', 50), latest(50)],
    args: ['--untag', 'stable'],
    want: [t('', 'echo-v1', 50), latest(50)],
  },
  {
    name: 'untagging a 0% target drops it',
    traffic: [latest(100), t('old', 'echo-v1', 0)],
    args: ['--untag', 'old'],
    want: [latest(100)],
  },
  {
    name: 'untag and re-tag @latest in one go',
    traffic: [latest(100, 'testing')],
    args: ['--untag', 'testing', '--tag', '@latest=staging'],
    want: [latest(100, 'staging')],
  },
  {
    name: 'tag and route to the new tag at once',
    traffic: [t('', 'echo-v1', 0), latest(100)],
    args: ['--tag', 'echo-v3=test', '--traffic', 'test=10,@latest=90'],
    want: [latest(90), t('test', 'echo-v3', 10)],
  },
  {
    name: 'targets with no tag and 0% are dropped',
    traffic: [t('', 'echo-v1', 50), t('', 'echo-v2', 50), latest(0)],
    args: ['--traffic', 'echo-v1=100'],
    want: [t('', 'echo-v1', 100)],
  },
  {
    name: 'remainder: N-1 revisions given, the missing one gets the rest',
    traffic: [t('', 'rev-00001', 0), t('', 'rev-00002', 0), t('', 'rev-00003', 100)],
    args: ['--traffic', 'rev-00001=10,rev-00002=10'],
    revisions: revs('rev-00001', 'rev-00002', 'rev-00003'),
    want: [t('', 'rev-00001', 10), t('', 'rev-00002', 10), t('', 'rev-00003', 80)],
  },
  {
    name: 'remainder with a mutation and @latest given: N refs, the unnamed revision gets the rest',
    traffic: [t('', 'rev-00001', 0), t('', 'rev-00002', 0), latest(100)],
    statusTraffic: [t('', 'rev-00001', 0), t('', 'rev-00002', 0), t('', 'rev-00003', 100)],
    args: ['--traffic', 'rev-00001=10,rev-00003=40,@latest=20'],
    revisions: revs('rev-00001', 'rev-00002', 'rev-00003'),
    mutation: true,
    latestReady: 'rev-00003',
    want: [t('', 'rev-00001', 10), t('', 'rev-00002', 30), latest(20), t('', 'rev-00003', 40)],
  },
  {
    name: 'remainder without a mutation and @latest given: @latest counts as the latest ready revision',
    traffic: [t('', 'rev-00001', 0), t('', 'rev-00002', 0), latest(100)],
    statusTraffic: [t('', 'rev-00001', 0), t('', 'rev-00002', 0), t('', 'rev-00003', 100)],
    args: ['--traffic', 'rev-00001=10,@latest=20'],
    revisions: revs('rev-00001', 'rev-00002', 'rev-00003'),
    latestReady: 'rev-00003',
    want: [t('', 'rev-00001', 10), t('', 'rev-00002', 70), latest(20)],
  },
  {
    name: 'remainder with a mutation and no @latest: the rest goes to @latest',
    traffic: [t('', 'rev-00001', 0), t('', 'rev-00002', 0), latest(100)],
    statusTraffic: [t('', 'rev-00001', 0), t('', 'rev-00002', 0), t('', 'rev-00003', 100)],
    args: ['--traffic', 'rev-00001=10,rev-00003=40,rev-00002=30'],
    revisions: revs('rev-00001', 'rev-00002', 'rev-00003'),
    mutation: true,
    latestReady: 'rev-00003',
    want: [t('', 'rev-00001', 10), t('', 'rev-00002', 30), latest(20), t('', 'rev-00003', 40)],
  },
  {
    name: 'remainder: a revision named by the tag of its target counts as given (docs example)',
    traffic: [t('stable', 'echo-v1', 50), t('staging', 'echo-v2', 50), t('', 'echo-v3', 0)],
    args: ['--traffic', 'stable=50,staging=40'],
    revisions: revs('echo-v1', 'echo-v2', 'echo-v3'),
    want: [t('stable', 'echo-v1', 50), t('staging', 'echo-v2', 40), t('', 'echo-v3', 10)],
  },
  {
    name: 'create with --tag: traffic forced to @latest=100 with the tag',
    traffic: undefined,
    args: ['--tag', 'current'],
    create: true,
    want: [latest(100, 'current')],
  },
  {
    name: 'create with --tag on a named revision: tagged 0% target plus @latest=100',
    traffic: undefined,
    args: ['--tag', 'svc-v1=old'],
    create: true,
    want: [t('old', 'svc-v1', 0), latest(100)],
  },
  {
    name: 'the seed: 50/50 between a named revision and @latest',
    traffic: [latest(100)],
    statusTraffic: [t('', 'hello-my-service-v1', 100, true)],
    args: ['--traffic', 'hello-my-service-v1=50', '--traffic', '@latest=50'],
    want: [latest(50), t('', 'hello-my-service-v1', 50)],
  },
];

const ERR: Case[] = [
  { name: '@latest twice in --tag', traffic: [latest(100)], args: ['--tag', '@latest=a', '--tag', '@latest=b'], err: 'repetition of identifier @latest is not allowed, use only once with --tag flag' },
  { name: 'bare tags twice are @latest twice', traffic: [latest(100)], args: ['--tag', 'a,b'], err: 'repetition of identifier @latest is not allowed, use only once with --tag flag' },
  { name: '@latest twice in --traffic', traffic: [latest(100)], args: ['--traffic', '@latest=50,@latest=50'], err: 'repetition of identifier @latest is not allowed, use only once with --traffic flag' },
  { name: 'a revision twice in --traffic', traffic: [latest(100)], args: ['--traffic', 'echo-v1=50,echo-v1=50'], err: 'repetition of revision reference echo-v1 is not allowed, use only once with --traffic flag' },
  { name: 'a percent that is no integer', traffic: [latest(100)], args: ['--traffic', 'echo-v1=fifty'], err: 'error converting given fifty to integer value for traffic distribution' },
  { name: 'a fractional percent', traffic: [latest(100)], args: ['--traffic', 'echo-v1=50.5'], err: 'error converting given 50.5 to integer value for traffic distribution' },
  { name: 'a percent over 100', traffic: [latest(100)], args: ['--traffic', 'echo-v1=101'], err: 'invalid value for traffic percent 101, expected 0 <= percent <= 100' },
  { name: 'a negative percent', traffic: [latest(100)], args: ['--traffic', 'echo-v1=-1'], err: 'invalid value for traffic percent -1, expected 0 <= percent <= 100' },
  { name: 'percents summing over 100', traffic: [latest(100)], args: ['--traffic', 'echo-v1=60,@latest=50'], err: 'given traffic percents sum to 110, want <=100' },
  { name: 'a --traffic value with two = signs', traffic: [latest(100)], args: ['--traffic', 'a=b=50'], err: 'expecting the value format in value1=value2, given a=b=50' },
  { name: 'a --traffic value with an empty ref', traffic: [latest(100)], args: ['--traffic', '=50'], err: 'expecting the value format in value1=value2, given =50' },
  { name: 'a --tag value with an empty tag', traffic: [latest(100)], args: ['--tag', 'echo-v1='], err: 'expecting the value format in value1=value2, given echo-v1=' },
  {
    name: 'remainder with too few revisions',
    traffic: [t('', 'rev-00001', 0), t('', 'rev-00002', 0), t('', 'rev-00003', 100)],
    args: ['--traffic', 'rev-00001=10'],
    revisions: revs('rev-00001', 'rev-00002', 'rev-00003'),
    err: 'unable to allocate the remaining traffic: 90%. Reason: incorrect number of revisions specified. Only 1 revision should be missing',
  },
  {
    name: 'remainder with a mutation needs N refs',
    traffic: [t('', 'rev-00001', 0), t('', 'rev-00002', 100)],
    args: ['--traffic', 'rev-00001=10'],
    revisions: revs('rev-00001', 'rev-00002'),
    mutation: true,
    err: 'unable to allocate the remaining traffic: 90%. Reason: incorrect number of revisions specified. Only 1 revision should be missing',
  },
  {
    name: 'remainder without a mutation needs exactly N-1 refs',
    traffic: [t('', 'rev-00001', 0), t('', 'rev-00002', 100)],
    args: ['--traffic', 'rev-00001=10,rev-00002=10'],
    revisions: revs('rev-00001', 'rev-00002'),
    err: 'unable to allocate the remaining traffic: 80%. Reason: incorrect number of revisions specified. Only 1 revision should be missing',
  },
  {
    name: 'remainder target cannot be determined',
    traffic: [t('', 'rev-00001', 0), t('', 'rev-00002', 0), t('', 'rev-00003', 100)],
    args: ['--traffic', 'rev-00001=10,rev-00002=10'],
    revisions: [{ name: 'rev-00001' }, { name: 'rev-00002' }, { name: 'rev-00004', annotations: { 'client.knative.dev/tags': 'rev-00003' } }],
    err: 'unable to allocate the remaining traffic: 80%. Reason: cannot determine the missing revision',
  },
  { name: 'untag a tag that does not exist', traffic: [latest(100, 'current')], args: ['--untag', 'nope'], err: 'tag(s) nope not present for any revisions of service svc' },
  { name: 'untag several unknown tags', traffic: [latest(100)], args: ['--untag', 'a,b'], err: 'tag(s) a, b not present for any revisions of service svc' },
  {
    name: 'tag a revision with a tag held by another revision',
    traffic: [t('stable', 'echo-v1', 50), t('', 'echo-v2', 50)],
    args: ['--tag', 'echo-v2=stable'],
    err: "refusing to overwrite existing tag in service, add flag '--untag stable' in command to untag it",
  },
  {
    name: 'tag @latest with a tag held by a revision',
    traffic: [t('stable', 'echo-v1', 50), latest(50)],
    args: ['--tag', '@latest=stable'],
    err: "refusing to overwrite existing tag in service, add flag '--untag stable' in command to untag it",
  },
  {
    name: 'retag @latest that already has another tag',
    traffic: [latest(100, 'current')],
    args: ['--tag', '@latest=next'],
    err: "tag 'current' exists on latest ready revision of service, refusing to overwrite existing tag with 'next', add flag '--untag current' in command to untag it",
  },
];

describe('traffic: computed spec.traffic', () => {
  for (const c of OK) it(c.name, () => assert.deepEqual(run(c), c.want));
});

describe('traffic: errors, verbatim', () => {
  for (const c of ERR) it(c.name, () => assert.throws(() => run(c), (e: Error) => (assert.equal(e.message, c.err), true)));
});

describe('traffic: parsing', () => {
  it('splitByEqualSign', () => {
    assert.deepEqual(splitByEqualSign('a=50%'), ['a', '50']);
    assert.deepEqual(splitByEqualSign('tag'), ['@latest', 'tag']);
    assert.throws(() => splitByEqualSign('a='), /expecting the value format in value1=value2, given a=/);
  });
  it('splitSlice: commas and repetition are the same', () => {
    assert.deepEqual(splitSlice(['a=1,b=2', 'c=3']), ['a=1', 'b=2', 'c=3']);
  });
  it('validation comes before untag errors (upstream order)', () => {
    assert.throws(
      () => run({ name: '', traffic: [latest(100)], args: ['--untag', 'nope', '--traffic', 'x=101'] }),
      /invalid value for traffic percent 101/,
    );
  });
  it('an empty spec.traffic is taken as the default 100% @latest when asked to', () => {
    const r = computeTraffic(
      { traffic: [], tags: ['current'], untags: [], trafficGiven: false },
      { serviceName: 'svc', specTraffic: [], mutation: false, defaultEmptyTraffic: true },
    );
    assert.deepEqual(r, [{ latestRevision: true, percent: 100, tag: 'current' }]);
  });
});
