// `kn quickstart kind`: check docker and kind, check the host port, create (or reuse) the kind
// cluster, build and load the control-plane image, apply manifests/, wait, print next steps.
import { applySteps, buildPlan, nextSteps } from './common.ts';
import { QuickstartError } from './errors.ts';
import { controlPlaneImage, ingressService, kindConfig, MIN_KIND_VERSION, NODE_PORT, parseVersion, type QuickstartOptions, versionBelow } from './options.ts';
import { type Ctx, type Deps, runQuickstart, type Step } from './steps.ts';
import { checkDependencies, describeInvocation, docker, kind, parseKindClusters, runOrFail } from './tools.ts';
import { planUsesImage } from './manifests.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const INSTALL_DOCKER = "install Docker (https://docs.docker.com/get-docker/; Debian/Ubuntu: 'sudo apt-get install docker.io'), or Podman with KIND_EXPERIMENTAL_PROVIDER=podman";
const INSTALL_KIND = "install kind v0.30 or newer (https://kind.sigs.k8s.io/docs/user/quick-start/#installation, e.g. 'go install sigs.k8s.io/kind@v0.30.0')";

export function kindSteps(o: QuickstartOptions, plan: ReturnType<typeof buildPlan>): Step[] {
  const again = "then run 'kn quickstart kind' again";
  const image = controlPlaneImage(o);
  const unused = planUsesImage(plan, image) ? undefined : `nothing to be installed runs ${image}`;
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
          await runOrFail(
            runner,
            kind.create(o),
            `creating the kind cluster '${o.name}'`,
            `kind removes a cluster it could not create; fix the cause (see kind's output above) and run 'kn quickstart kind' again`,
            (l) => io.output(l),
          );
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
          : [`${describeInvocation(docker.build(o))}   (cached layers make a re-run quick)`],
      skip: () => unused ?? (o.image ? `Using published image ${o.image}` : o.skipBuild ? `Skipping the build of ${image} (--skip-build)` : false),
      run: async (ctx, io) => {
        if (!existsSync(join(o.root, 'Dockerfile'))) {
          throw new QuickstartError(`there is no Dockerfile in ${o.root} to build ${image} from: run kn from a kn-ts source checkout, or pass --image <published image>`);
        }
        await runOrFail(
          ctx.deps.runner,
          docker.build(o),
          `building the control-plane image ${image}`,
          `fix the build (see docker's output above), or pass --image <published image>`,
          (l) => io.output(l),
        );
      },
    },
    {
      title: `Loading ${image} into kind cluster '${o.name}'`,
      plan: unused ? [`skipped: ${unused}`] : o.image ? ['skipped (--image)'] : [describeInvocation(kind.load(image, o.name))],
      skip: () => unused ?? (o.image ? `Not loading: the node pulls ${o.image}` : false),
      run: async (ctx, io) => {
        await runOrFail(
          ctx.deps.runner,
          kind.load(image, o.name),
          `loading ${image} into kind cluster '${o.name}'`,
          o.skipBuild ? `build it first ('${describeInvocation(docker.build(o)).slice(2)}') or drop --skip-build` : `check 'docker images ${image}'`,
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
