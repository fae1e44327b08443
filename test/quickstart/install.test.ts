// scripts/install.sh when `npm ci` cannot finish: it shows progress, stops npm after
// KN_INSTALL_TIMEOUT seconds and says in one line why and what to do. npm is a recording fake
// (a shell script) put where scripts/node24.sh finds its cached Node release (KN_TS_CACHE), beside
// a link to this node; nothing reaches a registry.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO } from '../harness/env.ts';

const FAKE_NPM = `#!/bin/sh
case "$1" in
  config) echo https://registry.example/ ;;
  ping) echo "npm error network request to https://registry.example/-/ping failed, reason: connect ETIMEDOUT" >&2; exit 1 ;;
  ci)
    echo $$ > "$FAKE_NPM_PID"
    echo "npm http fetch GET 200 https://registry.example/yaml 12ms (cache miss)" >&2
    if [ -n "$FAKE_NPM_FAIL" ]; then
      echo "npm error code ECONNREFUSED" >&2
      echo "npm error network request to https://registry.example/execa failed, reason: connect ECONNREFUSED 127.0.0.1:9" >&2
      echo "npm error A complete log of this run can be found in: /tmp/x.log" >&2
      exit 1
    fi
    exec sleep 60 ;;
  *) echo "fake npm: unexpected $*" >&2; exit 2 ;;
esac
`;

let work: string;
before(() => {
  work = mkdtempSync(join(tmpdir(), 'kn-ts-install-'));
  const version = readFileSync(join(REPO, '.node-version'), 'utf8').trim();
  const bin = join(work, 'cache/node', version, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(process.execPath, join(bin, 'node'));
  writeFileSync(join(bin, 'npm'), FAKE_NPM);
  chmodSync(join(bin, 'npm'), 0o755);
});
after(() => rmSync(work, { recursive: true, force: true }));

function install(env: Record<string, string>) {
  const t0 = Date.now();
  const r = spawnSync('bash', [join(REPO, 'scripts/install.sh')], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { PATH: '/usr/bin:/bin', HOME: work, KN_TS_CACHE: join(work, 'cache'), KN_BIN_DIR: join(work, 'kn-bin'), FAKE_NPM_PID: join(work, 'npm.pid'), ...env },
  });
  return { ...r, ms: Date.now() - t0 };
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('scripts/install.sh', () => {
  it('a registry that stops answering: progress, then a one-line cause and fix at KN_INSTALL_TIMEOUT, and npm is stopped', () => {
    const r = install({ KN_INSTALL_TIMEOUT: '11' });
    assert.equal(r.status, 1, r.stderr);
    assert.ok(r.ms < 40_000, `stopped at the timeout, took ${r.ms} ms`);
    assert.match(r.stdout, /^install: npm ci 1\d+s: 1 registry requests answered$/m);
    const lines = r.stderr.trim().split('\n');
    assert.equal(lines.length, 1, r.stderr);
    assert.match(
      lines[0]!,
      /^install: npm ci did not finish in 11s: https:\/\/registry\.example\/ does not answer from here \(1 requests answered, none in the last \d+s\); check the network or the proxy .*run scripts\/install\.sh again \(log: .*\)$/,
    );
    assert.equal(alive(Number(readFileSync(join(work, 'npm.pid'), 'utf8'))), false, 'npm ci was stopped');
  });

  it('npm ci fails: its own error, in one line, and nothing is built or installed', () => {
    const r = install({ FAKE_NPM_FAIL: '1' });
    assert.equal(r.status, 1);
    assert.equal(
      r.stderr.trim(),
      `install: npm ci failed: code ECONNREFUSED network request to https://registry.example/execa failed, reason: connect ECONNREFUSED 127.0.0.1:9; fix the cause and run scripts/install.sh again (log: ${/\(log: (.*)\)$/.exec(r.stderr.trim())?.[1]})`,
    );
    assert.doesNotMatch(r.stdout, /kn is/);
  });

  it('a KN_INSTALL_TIMEOUT that is not a number', () => {
    const r = install({ KN_INSTALL_TIMEOUT: '10m' });
    assert.equal(r.status, 2);
    assert.equal(r.stderr.trim(), "install: KN_INSTALL_TIMEOUT must be a number of seconds, not '10m'");
  });
});
