// Configuration → one immutable Revision per template change (serving:pkg/reconciler/configuration).
import { isControlledBy, isReady } from '../../api/meta.ts';
import { R } from '../../api/resources.ts';
import { READY } from '../../api/serving/conditions.ts';
import { defaultsFromConfigMaps } from '../../api/serving/defaults.ts';
import { L } from '../../api/serving/labels.ts';
import { revisionName } from '../../api/serving/naming.ts';
import type { Configuration, Revision } from '../../api/serving/types.ts';
import { formatErrors, validateRevisionTemplate } from '../../api/serving/validation.ts';
import { KubeError } from '../../kube/errors.ts';
import { stableStringify } from '../runtime/stable.ts';
import { REVISIONS_BY_CONFIGURATION } from '../indexes.ts';
import { pick, relevantBy } from '../relevance.ts';
import type { ReconcileContext, Reconciler } from '../runtime/types.ts';
import { makeRevision } from './resources.ts';
import {
  configurationConditions,
  markLatestCreatedFailed,
  markRevisionCreationFailed,
  setLatestCreatedRevisionName,
  setLatestReadyRevisionName,
} from './status.ts';

const gen = (r: Revision) => Number(r.metadata.labels?.[L.configurationGeneration] ?? -1);

class AlreadyExistsError extends Error {}

/** The revision of the current generation: undefined when it still has to be created. */
function latestCreatedRevision(cfg: Configuration, ctx: ReconcileContext): Revision | undefined {
  const revs = ctx.lister<Revision>(R.Revision);
  const ns = cfg.metadata.namespace;
  const byo = cfg.spec.template.metadata?.name;
  if (byo) {
    const rev = revs.get(byo, ns);
    if (!rev) return undefined;
    if (!isControlledBy(rev, cfg)) throw new AlreadyExistsError(`revisions.serving.knative.dev "${byo}" already exists`);
    if (rev.metadata.labels?.[L.configurationGeneration] === String(cfg.metadata.generation)) return rev;
    if (stableStringify(rev.spec) !== stableStringify(cfg.spec.template.spec)) throw new AlreadyExistsError(`revisions.serving.knative.dev "${byo}" already exists`);
    return rev;
  }
  return revs.byIndex(REVISIONS_BY_CONFIGURATION, `${ns}/${cfg.metadata.name}`).find((r) => gen(r) === cfg.metadata.generation && isControlledBy(r, cfg));
}

export async function reconcileConfiguration(cfg: Configuration, ctx: ReconcileContext): Promise<void | { requeueAfterMs?: number }> {
  const status = (cfg.status ??= {});
  const m = configurationConditions(status, ctx.now);
  m.initialize();
  const d = defaultsFromConfigMaps(ctx.configMaps());

  let lcr: Revision | undefined;
  try {
    lcr = latestCreatedRevision(cfg, ctx);
  } catch (e) {
    if (e instanceof AlreadyExistsError) {
      markRevisionCreationFailed(m, e.message);
      return;
    }
    throw e;
  }
  if (!lcr) {
    const errs = validateRevisionTemplate(cfg.spec.template, cfg.metadata, d);
    if (errs.length) {
      markRevisionCreationFailed(m, `validation failed: ${formatErrors(errs)}`);
      return;
    }
    const desired = makeRevision(cfg, ctx.now(), d);
    try {
      lcr = await ctx.client.create<Revision>(R.Revision, desired);
      ctx.recorder.event(cfg, 'Normal', 'Created', `Created Revision "${desired.metadata.name}"`);
    } catch (e) {
      if (e instanceof KubeError && e.alreadyExists) {
        // Our cache is behind, or the name belongs to someone else: look at the live object.
        const live = await ctx.client.find<Revision>(R.Revision, desired.metadata.name ?? '', cfg.metadata.namespace);
        if (live && isControlledBy(live, cfg) && (gen(live) === cfg.metadata.generation || stableStringify(live.spec) === stableStringify(cfg.spec.template.spec))) {
          lcr = live;
        } else {
          markRevisionCreationFailed(m, e.message);
          return;
        }
      } else {
        ctx.recorder.event(cfg, 'Warning', 'CreationFailed', `Failed to create Revision: ${(e as Error).message}`);
        markRevisionCreationFailed(m, (e as Error).message);
        throw e;
      }
    }
  }

  const name = lcr.metadata.name ?? revisionName(cfg);
  setLatestCreatedRevisionName(status, m, name);
  const rc = lcr.status?.conditions?.find((c) => c.type === READY);
  if (rc?.status === 'True' && !status.latestReadyRevisionName) {
    ctx.recorder.event(cfg, 'Normal', 'ConfigurationReady', 'Configuration becomes ready');
  } else if (rc?.status === 'False') {
    const before = stableStringify(m.get(READY));
    markLatestCreatedFailed(m, name, rc.message ?? '');
    if (before !== stableStringify(m.get(READY))) ctx.recorder.event(cfg, 'Warning', 'LatestCreatedFailed', `Latest created revision "${name}" has failed`);
  }

  // findAndSetLatestReadyRevision: the newest ready revision at or after the current latest ready.
  const revs = ctx
    .lister<Revision>(R.Revision)
    .byIndex(REVISIONS_BY_CONFIGURATION, `${cfg.metadata.namespace}/${cfg.metadata.name}`)
    .filter((r) => isControlledBy(r, cfg));
  const floor = status.latestReadyRevisionName ? gen(revs.find((r) => r.metadata.name === status.latestReadyRevisionName) ?? ({ metadata: {} } as Revision)) : -1;
  const candidates = [lcr, ...revs.filter((r) => r.metadata.name !== lcr.metadata.name)].filter((r) => gen(r) >= floor || r === lcr).sort((a, b) => gen(b) - gen(a));
  for (const r of candidates) {
    if (isReady(r)) {
      const old = status.latestReadyRevisionName;
      setLatestReadyRevisionName(status, m, r.metadata.name ?? '');
      if (old !== r.metadata.name) ctx.recorder.event(cfg, 'Normal', 'LatestReadyUpdate', `LatestReadyRevisionName updated to "${r.metadata.name}"`);
      break;
    }
  }
}

export const configurationReconciler: Reconciler<Configuration> = {
  name: 'configuration',
  resource: R.Configuration,
  owns: [R.Revision],
  // The labeler's routes annotation and routingState label on a Revision do not concern its Configuration.
  relevant: relevantBy([[R.Revision, [pick.label(L.configuration), pick.label(L.configurationGeneration), pick.spec, pick.readiness, pick.deletion]]]),
  reconcile: reconcileConfiguration,
};
