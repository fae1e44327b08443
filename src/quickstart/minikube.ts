// `kn quickstart minikube`: the same install on a minikube profile. The image is built inside
// minikube (`minikube image build`), the gateway is published as a LoadBalancer Service that
// `minikube tunnel` exposes.
import { applySteps, buildPlan, nextSteps } from './common.ts';
import { QuickstartError } from './errors.ts';
import { controlPlaneImage, ingressService, MIN_MINIKUBE_VERSION, parseVersion, type QuickstartOptions, versionBelow } from './options.ts';
import { type Ctx, type Deps, runQuickstart, type Step } from './steps.ts';
import { checkDependencies, describeInvocation, minikube, parseMinikubeProfiles, runOrFail } from './tools.ts';
import { planUsesImage } from './manifests.ts';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const INSTALL_MINIKUBE = 'install minikube v1.37 or newer (https://minikube.sigs.k8s.io/docs/start/)';

export function minikubeSteps(o: QuickstartOptions, plan: ReturnType<typeof buildPlan>): Step[] {
  const image = controlPlaneImage(o);
  const again = "then run 'kn quickstart minikube' again";
  const unused = planUsesImage(plan, image) ? undefined : `nothing to be installed runs ${image}`;
  return [
    {
      title: 'Checking dependencies',
      plan: ['minikube on PATH', describeInvocation(minikube.version())],
      run: async (ctx, io) => {
        const { runner } = ctx.deps;
        await checkDependencies(runner, [{ tool: 'minikube', install: INSTALL_MINIKUBE }], again);
        const v = await runner.run(minikube.version().cmd, minikube.version().args);
        const parsed = parseVersion(v.stdout);
        if (parsed && versionBelow(parsed, MIN_MINIKUBE_VERSION)) {
          ctx.warnings.push(`minikube ${v.stdout.trim()} is older than the recommended v${MIN_MINIKUBE_VERSION.join('.')}`);
        }
        io.output(`minikube ${v.stdout.trim() || 'unknown'}`);
      },
    },
    {
      title: `Starting minikube profile '${o.name}'`,
      plan: [
        describeInvocation(minikube.profiles()) + `   (if '${o.name}' is a valid profile, it is reused and the next command is not run)`,
        describeInvocation(minikube.start(o)),
      ],
      run: async (ctx, io) => {
        const { runner } = ctx.deps;
        // minikube exits non-zero with MK_USAGE_NO_PROFILE when there is no profile at all.
        const list = await runner.run(minikube.profiles().cmd, minikube.profiles().args);
        const profiles = parseMinikubeProfiles(list.stdout);
        if (profiles.valid.includes(o.name)) {
          ctx.clusterExisted = true;
          io.title(`Reusing minikube profile '${o.name}'`);
        } else {
          await runOrFail(
            runner,
            minikube.start(o),
            `starting minikube profile '${o.name}'`,
            `fix the cause (see minikube's output above; 'minikube delete --profile ${o.name}' removes a broken profile) and run 'kn quickstart minikube' again`,
            (l) => io.output(l),
          );
          ctx.clusterExisted = false;
        }
        ctx.client = await ctx.deps.connect({ context: o.name, kubeconfig: o.kubeconfig });
      },
    },
    {
      title: `Building the control-plane image ${image} inside minikube`,
      plan: unused
        ? [`skipped: ${unused}`]
        : o.image
        ? [`skipped: --image ${o.image} is pulled by the node`]
        : o.skipBuild
          ? [`skipped: --skip-build; ${describeInvocation(minikube.imageLoad(image, o.name))}`]
          : [describeInvocation(minikube.imageBuild(o))],
      skip: () => unused ?? (o.image ? `Using published image ${o.image}` : false),
      run: async (ctx, io) => {
        if (o.skipBuild) {
          await runOrFail(ctx.deps.runner, minikube.imageLoad(image, o.name), `loading ${image} into minikube`, `build it first or drop --skip-build`, (l) => io.output(l));
          return;
        }
        if (!existsSync(join(o.root, 'Dockerfile'))) {
          throw new QuickstartError(`there is no Dockerfile in ${o.root} to build ${image} from: run kn from a kn-ts source checkout, or pass --image <published image>`);
        }
        await runOrFail(
          ctx.deps.runner,
          minikube.imageBuild(o),
          `building the control-plane image ${image}`,
          'fix the build (see the output above), or pass --image <published image>',
          (l) => io.output(l),
        );
      },
    },
    ...applySteps(o, plan, `context ${o.name}`),
  ];
}

export async function quickstartMinikube(o: QuickstartOptions, deps: Deps): Promise<void> {
  const plan = buildPlan(o, [ingressService('LoadBalancer')]);
  const tunnel = [`  minikube tunnel --profile ${o.name}     (in another terminal; it publishes kourier-system/kourier-ingress on 127.0.0.1:80)`];
  const ctx: Ctx = { opts: o, deps, plan, image: controlPlaneImage(o), warnings: [], started: Date.now() };
  await runQuickstart(
    {
      command: 'minikube',
      banner: 'Running Knative Quickstart using Minikube',
      where: `minikube profile '${o.name}'`,
      next: nextSteps(o, [`minikube delete --profile ${o.name}`], tunnel),
    },
    minikubeSteps(o, plan),
    ctx,
  );
}
