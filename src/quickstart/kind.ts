// `kn quickstart kind`: check docker and kind, check the host port, create (or reuse) the kind
// cluster, build and load the control-plane image, apply manifests/, wait, print next steps.
import { applySteps, buildPlan, nextSteps } from './common.ts';
import { QuickstartError } from './errors.ts';
import { controlPlaneImage, ingressService, kindConfig, MIN_KIND_VERSION, NODE_PORT, parseVersion, type QuickstartOptions, versionBelow } from './options.ts';
import { type Ctx, type Deps, runQuickstart, type Step } from './steps.ts';
import { checkDependencies, describeInvocation, docker, kind, lastLine, parseKindClusters, runOrFail } from './tools.ts';
import { planUsesImage } from './manifests.ts';
import { rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { builtFingerprint, contextFingerprint, parseBuiltFingerprint, stageImageContext, stagedBuild, stagedBuildPlan } from './image.ts';

const INSTALL_DOCKER = "install Docker (https://docs.docker.com/get-docker/; Debian/Ubuntu: 'sudo apt-get install docker.io'), or Podman with KIND_EXPERIMENTAL_PROVIDER=podman";
const INSTALL_KIND = "install kind v0.30 or newer (https://kind.sigs.k8s.io/docs/user/quick-start/#installation, e.g. 'go install sigs.k8s.io/kind@v0.30.0')";

export function kindSteps(o: QuickstartOptions, plan: ReturnType<typeof buildPlan>): Step[] {
  const again = "then run 'kn quickstart kind' again";
  const image = controlPlaneImage(o);
  const unused = planUsesImage(plan, image) ? undefined : `nothing to be installed runs ${image}`;
  const buildWanted = !unused && !o.image && !o.skipBuild;
  /** The build started while kind creates the cluster (it needs only the local Docker). */
  let building: Promise<string | undefined> | undefined;
  /** Builds the image unless the local one was built from the same context; a new title when it was. */
  const buildImage = async (ctx: Ctx, onLine?: (l: string) => void): Promise<string | undefined> => {
    const { runner } = ctx.deps;
    const fingerprint = contextFingerprint(o.root);
    const have = builtFingerprint(image);
    const r = await runner.run(have.cmd, have.args);
    if (r.exitCode === 0 && parseBuiltFingerprint(r.stdout) === fingerprint) return `Control-plane image ${image} is up to date (its build context is unchanged)`;
    const context = stageImageContext(o.root);
    try {
      await runOrFail(
        runner,
        stagedBuild(image, context, fingerprint),
        `building the control-plane image ${image}`,
        `fix the build (see docker's output above), or pass --image <published image>`,
        onLine,
      );
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
    return undefined;
  };
  /**
   * Loads the image into the node once it is built and the node's containerd answers, while kind
   * still creates the cluster (kubeadm init takes most of it): tried every 2 s until the create
   * ends; true when a load succeeded. The load step loads normally otherwise.
   */
  let loading: Promise<boolean> | undefined;
  const loadEarly = async (ctx: Ctx, createEnded: () => boolean): Promise<boolean> => {
    const load = kind.load(image, o.name);
    for (let i = 0; i < 300 && !createEnded(); i++) {
      if ((await ctx.deps.runner.run(load.cmd, load.args)).exitCode === 0) return true;
      await sleep(2000);
    }
    return false;
  };
  const steps: Step[] = [
    {
      title: 'Checking dependencies',
      plan: ['docker and kind on PATH', describeInvocation(docker.probe()), describeInvocation(kind.version())],
      run: async (ctx, io) => {
        const { runner } = ctx.deps;
        // kind runs its node in Docker, so docker is needed even with --image.
        const found = await checkDependencies(runner, [{ tool: 'docker', install: INSTALL_DOCKER }, { tool: 'kind', install: INSTALL_KIND }], again, { probeDocker: true });
        const v = await runner.run(kind.version().cmd, kind.version().args);
        const parsed = parseVersion(v.stdout);
        if (parsed && versionBelow(parsed, MIN_KIND_VERSION)) {
          ctx.warnings.push(`kind ${v.stdout.trim()} is older than the recommended v${MIN_KIND_VERSION.join('.')}; if cluster creation fails, upgrade kind`);
        }
        io.output(`Docker ${found.docker}, kind ${v.stdout.trim() || 'unknown'}`);
      },
    },
    {
      title: `Creating kind cluster '${o.name}'`,
      plan: [
        describeInvocation(kind.getClusters()) + `   (if '${o.name}' is listed, it is reused and the next command is not run)`,
        `host port ${o.port} on 127.0.0.1 must be free (checked only when the cluster is created)`,
        describeInvocation(kind.create(o)),
        ...kindConfig(o)
          .trimEnd()
          .split('\n')
          .map((l) => `    ${l}`),
        '    EOF',
        `host 127.0.0.1:${o.port} → kind node port ${NODE_PORT} → Service kourier-system/kourier-ingress → gateway pods :8080`,
      ],
      run: async (ctx, io) => {
        const { runner } = ctx.deps;
        const list = await runOrFail(runner, kind.getClusters(), 'listing kind clusters', "check 'kind get clusters'");
        if (parseKindClusters(list.stdout).includes(o.name)) {
          ctx.clusterExisted = true;
          io.title(`Reusing kind cluster '${o.name}'`);
        } else {
          const port = await ctx.deps.checkPort(o.port);
          if (port === 'busy') {
            throw new QuickstartError(
              `host port ${o.port} on 127.0.0.1 is already in use: stop what listens there (another web server or kind cluster) or pass --port ${o.port === 80 ? 8080 : o.port + 1}`,
            );
          }
          let createEnded = false;
          if (buildWanted) {
            building = buildImage(ctx);
            loading = building.then(() => loadEarly(ctx, () => createEnded)).catch(() => false);
            building.catch(() => undefined); // awaited by the build step (or below when the create fails)
          }
          const create = kind.create(o);
          const r = await runner.run(create.cmd, create.args, { input: create.input, onLine: (l) => io.output(l) });
          createEnded = true;
          if (r.exitCode !== 0) {
            await Promise.all([building?.catch(() => undefined), loading]);
            // kind removes a cluster it could not create: nothing is left half-made.
            const nodeImage = create.args[create.args.indexOf('--image') + 1]!;
            const fix = /failed to pull image|pull access denied|No such image/i.test(`${r.stderr}\n${r.stdout}`)
              ? `the node image ${nodeImage} is neither in the local Docker nor pullable: pull or 'docker load' it, or pass --node-image with one that is; ${again}`
              : `kind removes a cluster it could not create; fix the cause (see kind's output above) and run 'kn quickstart kind' again`;
            throw new QuickstartError(`creating the kind cluster '${o.name}' failed (kind exited with ${r.exitCode}): ${lastLine(r)}; ${fix}`);
          }
          ctx.clusterExisted = false;
        }
        const kc = await runOrFail(runner, kind.getKubeconfig(o.name), `reading the kubeconfig of kind cluster '${o.name}'`, `check 'kind get kubeconfig --name ${o.name}'`);
        ctx.client = await ctx.deps.connect({ kubeconfigText: kc.stdout });
      },
    },
    {
      title: `Building the control-plane image ${image}`,
      plan: unused
        ? [`skipped: ${unused}`]
        : o.image
        ? [`skipped: --image ${o.image} is pulled by the node`]
        : o.skipBuild
          ? ['skipped: --skip-build (the image must already be in the local Docker)']
          : stagedBuildPlan(o.root, image),
      skip: () => unused ?? (o.image ? `Using published image ${o.image}` : o.skipBuild ? `Skipping the build of ${image} (--skip-build)` : false),
      run: async (ctx, io) => {
        const title = await (building ?? buildImage(ctx, (l) => io.output(l)));
        if (title) io.title(title);
      },
    },
    {
      title: `Loading ${image} into kind cluster '${o.name}'`,
      plan: unused ? [`skipped: ${unused}`] : o.image ? ['skipped (--image)'] : [describeInvocation(kind.load(image, o.name))],
      skip: () => unused ?? (o.image ? `Not loading: the node pulls ${o.image}` : false),
      run: async (ctx, io) => {
        if (await loading) {
          io.title(`Loaded ${image} into kind cluster '${o.name}' while it was created`);
          return;
        }
        await runOrFail(
          ctx.deps.runner,
          kind.load(image, o.name),
          `loading ${image} into kind cluster '${o.name}'`,
          o.skipBuild ? `build it first (run 'kn quickstart kind' without --skip-build once) or drop --skip-build` : `check 'docker images ${image}'`,
          (l) => io.output(l),
        );
      },
    },
    ...applySteps(o, plan, `context kind-${o.name} (from 'kind get kubeconfig --name ${o.name}')`),
  ];
  return steps;
}

export async function quickstartKind(o: QuickstartOptions, deps: Deps): Promise<void> {
  const plan = buildPlan(o, [ingressService('NodePort')]);
  const ctx: Ctx = { opts: o, deps, plan, image: controlPlaneImage(o), warnings: [], started: Date.now() };
  await runQuickstart(
    { command: 'kind', banner: 'Running Knative Quickstart using Kind', where: `kind cluster '${o.name}'`, next: nextSteps(o, [`kind delete cluster --name ${o.name}`]) },
    kindSteps(o, plan),
    ctx,
  );
}
