// Knative's own conformance tests against kn-ts on the real kind cluster (issue #14 item 4):
// Knative Serving's test/conformance/api/v1 and the networking ingress conformance
// (knative.dev/networking test/conformance/ingress: basic, headers, percentage, timeout, websocket),
// as upstream's test binaries built from the Go module proxy by scripts/build-conformance.sh
// (cached, never committed; scripts/test.sh builds them before the network goes away). Their test
// images are the Go binaries of serving's and networking's test/test_images, each wrapped here in a
// FROM-scratch image built with no network and `kind load`ed (nothing is pulled). Requests go to the
// gateway's NodePort (kourier-system/kourier-ingress, as upstream's GATEWAY_OVERRIDE) on the kind
// node's address inside the tier's network namespace (-ingressendpoint), with each URL's Host.
//
// npm test runs a selection of each suite that must pass whole (each selected test must have run and
// passed); KN_TS_CONFORMANCE_FULL=1 runs the suites whole, each against a floor under the pass count
// recorded in docs/compatibility.md. The counts are printed.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../harness/env.ts';
import { CLUSTER, docker, ensureCluster, kind, kubectl, ok } from './env.ts';

const TAG = 'e2e';
// kind.local: the registry Knative (and its conformance tests) treat as local, with no digest to resolve.
const SERVING_REPO = 'kind.local/serving-test';
const NET_REPO = 'kind.local/net-test';
const SERVING_IMAGES = ['helloworld', 'pizzaplanetv1', 'pizzaplanetv2', 'singlethreaded', 'timeout', 'failing', 'hellovolume', 'volumes', 'autoscale', 'servingcontainer', 'sidecarcontainer'];
const NET_IMAGES = ['runtime', 'timeout', 'wsserver'];
const NAMESPACES = ['serving-tests', 'serving-tests-alt'];
const INGRESS_CLASS = 'kourier.ingress.networking.knative.dev';
/**
 * npm test runs a short selection that passes whole (the tier's time budget); KN_TS_CONFORMANCE_FULL=1
 * runs every Serving test and the five ingress groups, against the floors below.
 */
const FULL = process.env.KN_TS_CONFORMANCE_FULL === '1';
/** npm test's Serving selection: quick ones, and the data-plane cases the gateway once failed (breaker, timeouts). */
const SERVING_QUICK = ['TestServiceAccountValidation', 'TestServiceCreateListAndDelete', 'TestSecretVolume', 'TestSingleConcurrency', 'TestRevisionTimeout'];
// The ingress suite's stable tests outside basics, headers, dispatch/percentage, timeout and
// websocket, reported as skipped (its own -skip-tests).
const INGRESS_SKIP = 'grpc,grpc/split,hosts/multiple,dispatch/path,dispatch/path_and_percentage,dispatch/rule,retry,tls,update,visibility,visibility/split,visibility/path,ingressclass';
/** npm test's ingress selection (the groups' splits and the two header-setting groups run only whole). */
const INGRESS_QUICK = ['basics', 'basics/http2', 'dispatch/percentage', 'headers/probe', 'timeout', 'websocket'];
const INGRESS_QUICK_SKIP = `${INGRESS_SKIP},headers/pre-split,headers/post-split,websocket/split`;
/**
 * Floors under the pass counts measured on this tier (docs/compatibility.md: Serving 26 of 27, the
 * 27th skipped by the suite; ingress 14 of 14 in the five groups), one below each so one
 * timing-sensitive case on a loaded machine does not fail the run, while a real regression does.
 */
const SERVING_FLOOR = Number(process.env.KN_TS_SERVING_CONFORMANCE_FLOOR ?? 25);
const INGRESS_FLOOR = Number(process.env.KN_TS_INGRESS_CONFORMANCE_FLOOR ?? 13);

function conformanceDir(): string {
  if (process.env.KN_TS_CONFORMANCE) return process.env.KN_TS_CONFORMANCE;
  try {
    return execFileSync('bash', [join(REPO, 'scripts/build-conformance.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }).trim();
  } catch {
    throw new Error("Knative's conformance tests are missing and could not be built here: run scripts/build-conformance.sh (needs Go and the Go module proxy) before the e2e tier");
  }
}

/** A FROM-scratch image of one static binary, built with no network (scripts/e2e.sh's scratch_image). */
async function scratchImage(name: string, bin: string): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'kn-e2e-conf-'));
  try {
    mkdirSync(join(work, 'tmp'));
    copyFileSync(bin, join(work, 'app'));
    writeFileSync(join(work, 'Dockerfile'), 'FROM scratch\nCOPY tmp /tmp\nCOPY app /ko-app/app\nENTRYPOINT ["/ko-app/app"]\n');
    ok(await docker(['build', '-q', '--network=none', '-t', name, work], 300_000), `docker build ${name}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

interface GoTests {
  passed: string[];
  failed: string[];
  skipped: string[];
  /** Every test and subtest's verdict, by its full name. */
  verdicts: Map<string, string>;
  output: string;
}

/**
 * Runs a Go test binary; the verdicts of its top-level tests (depth 0), or of the leaves below the
 * top level (depth 1: the ingress suite is one test whose subtests, and theirs, are the cases).
 */
function goTest(bin: string, args: string[], depth: 0 | 1, timeoutMs: number): Promise<GoTests> {
  return new Promise((res, rej) => {
    const env = { ...process.env, GATEWAY_OVERRIDE: 'kourier-ingress', GATEWAY_NAMESPACE_OVERRIDE: 'kourier-system' };
    const child = spawn(bin, [...args, '-test.v', `-test.timeout=${Math.floor(timeoutMs / 1000)}s`], { stdio: ['ignore', 'pipe', 'pipe'], env });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.on('error', rej);
    child.on('close', () => {
      // Go prints a test's verdict, then its subtests' verdicts indented 4 spaces deeper: a leaf is
      // a verdict not followed by a deeper one (names alone cannot tell: the ingress suite runs
      // "basics" and "basics/http2" side by side). A name can be printed twice; the first counts.
      const lines = [...output.matchAll(/^( *)--- (PASS|FAIL|SKIP): (\S+)/gm)].map((m) => ({ indent: m[1]?.length ?? 0, verdict: m[2] ?? '', name: m[3] ?? '' }));
      const all = lines.map((l, i) => ({ ...l, leaf: !((lines[i + 1]?.indent ?? -1) > l.indent) })).filter((l, i, a) => a.findIndex((o) => o.name === l.name) === i);
      // "digest_validation" is a skipped sub-check of a conformance test, not a case of its own.
      const counted = all.filter((l) => (depth === 0 ? l.indent === 0 : l.indent > 0 && l.leaf && !l.name.endsWith('digest_validation')));
      const pick = (word: string) => counted.filter((c) => c.verdict === word).map((c) => c.name);
      res({ passed: pick('PASS'), failed: pick('FAIL'), skipped: pick('SKIP'), verdicts: new Map(all.map((v) => [v.name, v.verdict])), output });
    });
  });
}

/** Prints the counts and keeps the whole Go output beside the run (TMPDIR) for a failure's details. */
function report(suite: string, r: GoTests): void {
  const log = join(tmpdir(), `${suite.replace(/\W+/g, '-')}.log`);
  writeFileSync(log, r.output);
  process.stderr.write(`${suite}: ${r.passed.length} passed, ${r.failed.length} failed, ${r.skipped.length} skipped (output: ${log})\n`);
  if (r.failed.length) process.stderr.write(`  failed: ${r.failed.join(' ')}\n`);
}

describe("Knative's conformance suites against kn-ts (kind)", () => {
  let dir: string;
  let node: string;
  const kubeconfig = process.env.KUBECONFIG ?? '';

  before(async () => {
    dir = conformanceDir();
    await ensureCluster();
    const images: string[] = [];
    for (const i of SERVING_IMAGES) {
      await scratchImage(`${SERVING_REPO}/${i}:${TAG}`, join(dir, 'images/serving', i));
      images.push(`${SERVING_REPO}/${i}:${TAG}`);
    }
    for (const i of NET_IMAGES) {
      await scratchImage(`${NET_REPO}/${i}:${TAG}`, join(dir, 'images/networking', i));
      images.push(`${NET_REPO}/${i}:${TAG}`);
    }
    ok(await kind(['load', 'docker-image', ...images, '--name', CLUSTER]), 'kind load');
    for (const ns of NAMESPACES) await kubectl(['create', 'namespace', ns]);
    node = ok(await kubectl(['get', 'nodes', '-o', 'jsonpath={.items[0].status.addresses[?(@.type=="InternalIP")].address}']), 'node address').stdout.trim();
  });

  after(async () => {
    for (const ns of NAMESPACES) await kubectl(['delete', 'namespace', ns, '--wait=true', '--timeout=120s'], { timeoutMs: 150_000 });
  });

  it(`Serving conformance (test/conformance/api/v1)${FULL ? '' : ': a quick selection'}`, { timeout: 30 * 60_000 }, async () => {
    assert.ok(existsSync(kubeconfig), 'KUBECONFIG must name the kind cluster');
    const r = await goTest(
      join(dir, 'serving-conformance.test'),
      ['-kubeconfig', kubeconfig, '-dockerrepo', SERVING_REPO, '-tag', TAG, '-ingressendpoint', node, '-ingress-class', INGRESS_CLASS, '-disable-logstream', '-enable-beta', '-enable-alpha', ...(FULL ? [] : ['-test.run', `^(${SERVING_QUICK.join('|')})$`])],
      0,
      (FULL ? 25 : 12) * 60_000,
    );
    report('serving conformance api/v1', r);
    assert.ok(r.passed.length + r.failed.length > 0, r.output.slice(-3000));
    if (FULL) assert.ok(r.passed.length >= SERVING_FLOOR, `serving conformance: ${r.passed.length} passed, fewer than ${SERVING_FLOOR}\n${r.output.slice(-3000)}`);
    else {
      assert.deepEqual(r.failed, [], r.output.slice(-3000));
      // Each selected test ran and passed (a selection that matches nothing must not pass).
      assert.deepEqual(SERVING_QUICK.filter((n) => r.verdicts.get(n) !== 'PASS'), [], r.output.slice(-3000));
    }
  });

  it(`networking ingress conformance (basics, headers, dispatch/percentage, timeout, websocket)${FULL ? '' : ': a quick selection'}`, { timeout: 20 * 60_000 }, async (t) => {
    // The suite dials the NodePort of the Service named in the KIngress status (domainInternal:
    // kourier.kourier-system). Upstream's kourier Service is a LoadBalancer (so it has NodePorts);
    // kn-ts's is a ClusterIP and the quickstart adds kourier-ingress for kind. For this test only:
    t.after(async () => {
      await kubectl(['-n', 'kourier-system', 'patch', 'svc', 'kourier', '--type=json', '-p', '[{"op":"replace","path":"/spec/type","value":"ClusterIP"},{"op":"remove","path":"/spec/ports/0/nodePort"}]']);
    });
    ok(await kubectl(['-n', 'kourier-system', 'patch', 'svc', 'kourier', '-p', '{"spec":{"type":"NodePort"}}']), 'kubectl patch svc kourier');
    const r = await goTest(
      join(dir, 'ingress-conformance.test'),
      ['-kubeconfig', kubeconfig, '-dockerrepo', NET_REPO, '-tag', TAG, '-ingressendpoint', node, '-ingressClass', INGRESS_CLASS, '-cluster-suffix', 'cluster.local', '-skip-tests', FULL ? INGRESS_SKIP : INGRESS_QUICK_SKIP],
      1,
      (FULL ? 15 : 8) * 60_000,
    );
    report('ingress conformance', r);
    assert.ok(r.passed.length + r.failed.length > 0, r.output.slice(-3000));
    if (FULL) assert.ok(r.passed.length >= INGRESS_FLOOR, `ingress conformance: ${r.passed.length} passed, fewer than ${INGRESS_FLOOR}\n${r.output.slice(-3000)}`);
    else {
      assert.deepEqual(r.failed, [], r.output.slice(-3000));
      assert.deepEqual(INGRESS_QUICK.filter((g) => r.verdicts.get(`TestIngressConformance/${g}`) !== 'PASS'), [], r.output.slice(-3000));
    }
  });
});
