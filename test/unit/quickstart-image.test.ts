// src/quickstart/image.ts: the control-plane image's build context staged from the local install
// (the repository's real Dockerfile and package-lock.json, and a made-up install in a temp folder).
// The build itself runs on a real Docker in the e2e tier (test/e2e).
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { contextFingerprint, parseBuiltFingerprint, productionPackages, runtimeDockerfile, stageImageContext, stagedBuild } from '../../src/quickstart/image.ts';
import { REPO } from '../harness/env.ts';

const tmp = mkdtempSync(join(tmpdir(), 'kn-image-test-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe("the repository's Dockerfile", () => {
  const text = readFileSync(join(REPO, 'Dockerfile'), 'utf8');

  it('has a runtime stage that reads every COPY from a staged context', () => {
    const s = runtimeDockerfile(text);
    assert.deepEqual(s.sources, ['node_modules', 'package.json', 'bin', 'manifests', 'dist', 'oclif.manifest.json']);
    assert.match(s.text, /^# --- runtime/);
    assert.match(s.text, /^FROM node:24-slim$/m);
    assert.doesNotMatch(s.text, /--from=|^RUN /m, 'the staged stage needs no other stage and runs nothing');
    assert.match(s.text, /^USER 65532:65532$/m);
    assert.match(s.text, /^ENTRYPOINT \["node", "bin\/control-plane.js"\]$/m);
  });

  it('still builds the runtime stage from its build stages for `docker build .`', () => {
    // The stages a registry build needs, in order, and the runtime stage taking from them.
    assert.deepEqual(
      [...text.matchAll(/^FROM (\S+)(?: AS (\S+))?$/gm)].map((m) => `${m[1]} ${m[2] ?? ''}`.trim()),
      ['node:24-slim build', 'node:24-slim deps', 'node:24-slim'],
    );
    assert.match(text, /^COPY --from=deps \/app\/node_modules \.\/node_modules$/m);
    assert.match(text, /^COPY --from=build \/src\/dist \.\/dist$/m);
    // .dockerignore lets through what the build stages copy.
    const ignore = readFileSync(join(REPO, '.dockerignore'), 'utf8');
    for (const f of ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts', 'src', 'bin', 'manifests']) assert.match(ignore, new RegExp(`^!${f}$`, 'm'));
  });
});

describe('runtimeDockerfile', () => {
  it('fails with a one-line error naming the fix without the runtime marker', () => {
    assert.throws(() => runtimeDockerfile('FROM node:24-slim\nCOPY . .\n'), /has no '# --- runtime' stage .*: restore it from the kn-ts repository/);
  });
  it('refuses a COPY it cannot stage', () => {
    assert.throws(() => runtimeDockerfile('# --- runtime\nFROM x\nCOPY --chown=1:1 a b\n'), /cannot stage 'COPY --chown=1:1 a b'/);
    assert.throws(() => runtimeDockerfile('# --- runtime\nFROM x\nCOPY a b c\n'), /cannot stage/);
    assert.throws(() => runtimeDockerfile('# --- runtime\nFROM x\nCOPY src/a b\n'), /copy a top-level file or folder/);
  });
});

describe('productionPackages', () => {
  it("keeps what `npm ci --omit=dev` keeps: no dev packages, no links, nested ones included", () => {
    const lock = JSON.stringify({
      packages: {
        '': { name: 'x' },
        'node_modules/a': {},
        'node_modules/a/node_modules/b': {},
        'node_modules/typescript': { dev: true },
        'node_modules/opt': { optional: true },
        'node_modules/devopt': { devOptional: true },
        'node_modules/ws': { link: true },
      },
    });
    assert.deepEqual(productionPackages(lock), ['node_modules/a', 'node_modules/a/node_modules/b', 'node_modules/devopt', 'node_modules/opt']);
    assert.equal(productionPackages(undefined), undefined);
  });
  it("of kn-ts itself: the control plane's dependencies, none of the tool chain", () => {
    const pkgs = productionPackages(readFileSync(join(REPO, 'package-lock.json'), 'utf8'))!;
    for (const p of ['node_modules/@kubernetes/client-node', 'node_modules/@oclif/core', 'node_modules/yaml']) assert.ok(pkgs.includes(p), p);
    for (const p of ['node_modules/typescript', 'node_modules/eslint', 'node_modules/esbuild']) assert.ok(!pkgs.includes(p), p);
  });
});

describe('stageImageContext', () => {
  function install(o: { lock?: boolean; skip?: string } = {}): string {
    const root = mkdtempSync(join(tmp, 'install-'));
    writeFileSync(join(root, 'Dockerfile'), 'FROM node:24-slim AS build\nRUN npm ci\n# --- runtime\nFROM node:24-slim\nCOPY --from=build /app/node_modules ./node_modules\nCOPY dist ./dist\nCOPY package.json ./\n');
    writeFileSync(join(root, 'package.json'), '{"name":"x"}');
    mkdirSync(join(root, 'dist/sub'), { recursive: true });
    writeFileSync(join(root, 'dist/sub/main.js'), 'export {}');
    for (const p of ['node_modules/a/node_modules/b', 'node_modules/dev', 'node_modules/a/node_modules/devnested']) {
      mkdirSync(join(root, p), { recursive: true });
      writeFileSync(join(root, p, 'index.js'), p);
      for (const f of ['index.d.ts', 'index.js.map', 'types.d.mts']) writeFileSync(join(root, p, f), 'not loaded at run time');
    }
    if (o.lock !== false) {
      writeFileSync(
        join(root, 'package-lock.json'),
        JSON.stringify({ packages: { 'node_modules/a': {}, 'node_modules/a/node_modules/b': {}, 'node_modules/dev': { dev: true }, 'node_modules/a/node_modules/devnested': { dev: true }, 'node_modules/gone': { optional: true } } }),
      );
    }
    if (o.skip) rmSync(join(root, o.skip), { recursive: true });
    return root;
  }

  it('stages the runtime stage and what it copies, production packages only, as links of the files', () => {
    const root = install();
    const dir = stageImageContext(root);
    try {
      assert.equal(readFileSync(join(dir, 'Dockerfile'), 'utf8'), '# --- runtime\nFROM node:24-slim\nCOPY node_modules ./node_modules\nCOPY dist ./dist\nCOPY package.json ./\n');
      assert.equal(readFileSync(join(dir, 'dist/sub/main.js'), 'utf8'), 'export {}');
      assert.ok(existsSync(join(dir, 'node_modules/a/node_modules/b/index.js')));
      assert.ok(!existsSync(join(dir, 'node_modules/dev')), 'a dev package is not staged');
      assert.ok(!existsSync(join(dir, 'node_modules/a/node_modules/devnested')), 'a nested dev package is not staged');
      assert.ok(!existsSync(join(dir, 'package-lock.json')), 'only what the Dockerfile copies');
      assert.ok(!existsSync(join(dir, 'node_modules/a/node_modules/b/index.d.ts')) && !existsSync(join(dir, 'node_modules/a/index.js.map')), 'no declarations or source maps');
      assert.equal(statSync(join(dir, 'package.json')).ino, statSync(join(root, 'package.json')).ino, 'same file system: a hard link, nothing copied');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a lock file (an npm install of kn-ts) stages node_modules as it is', () => {
    const dir = stageImageContext(install({ lock: false }));
    try {
      assert.ok(existsSync(join(dir, 'node_modules/dev/index.js')));
      assert.ok(existsSync(join(dir, 'node_modules/a/node_modules/b/index.js')), 'nested packages too');
      assert.ok(!existsSync(join(dir, 'node_modules/dev/types.d.mts')));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names what is missing and the fix', () => {
    assert.throws(() => stageImageContext(install({ skip: 'dist' })), /needs dist from .*, which is missing: run 'npm run build' in it, then run 'kn quickstart kind' again/);
    assert.throws(() => stageImageContext(install({ skip: 'Dockerfile' })), /there is no Dockerfile in .* pass --image <published image>/);
  });

  it('is built with no network inside the build, labelled with the fingerprint of its context', () => {
    assert.deepEqual(stagedBuild('dev.local/x:1', '/tmp/ctx').args, ['build', '--network=none', '-t', 'dev.local/x:1', '/tmp/ctx']);
    assert.deepEqual(stagedBuild('dev.local/x:1', '/tmp/ctx', 'f00').args, ['build', '--network=none', '--label', 'dev.kn-ts.context=f00', '-t', 'dev.local/x:1', '/tmp/ctx']);
    assert.equal(parseBuiltFingerprint('{"dev.kn-ts.context":"f00","other":"x"}\n'), 'f00');
    assert.equal(parseBuiltFingerprint('null\n'), undefined, 'an image without labels');
    assert.equal(parseBuiltFingerprint(''), undefined, 'no such image');
  });

  it('the fingerprint changes with what would be staged, and only with that', () => {
    const root = install();
    const fp = contextFingerprint(root);
    assert.match(fp, /^[0-9a-f]{32}$/);
    assert.equal(contextFingerprint(root), fp, 'stable');
    writeFileSync(join(root, 'package-lock.json.bak'), 'not in the context');
    writeFileSync(join(root, 'node_modules/dev/index.js'), 'a dev package is not staged');
    writeFileSync(join(root, 'node_modules/a/node_modules/b/index.d.ts'), 'nor declarations');
    assert.equal(contextFingerprint(root), fp, 'files outside the context change nothing');
    writeFileSync(join(root, 'dist/sub/main.js'), 'export {};');
    const fp2 = contextFingerprint(root);
    assert.notEqual(fp2, fp, 'a rebuilt file of dist/');
    utimesSync(join(root, 'node_modules/a/node_modules/b/index.js'), new Date(), new Date(2000, 0, 1));
    assert.notEqual(contextFingerprint(root), fp2, 'a reinstalled production package (same size, new mtime)');
    const fp3 = contextFingerprint(root);
    writeFileSync(join(root, 'Dockerfile'), readFileSync(join(root, 'Dockerfile'), 'utf8') + 'USER 65532\n');
    assert.notEqual(contextFingerprint(root), fp3, 'the Dockerfile');
  });
});
