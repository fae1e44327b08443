// Traffic resolution of a Route (upstream's traffic.BuildTrafficConfiguration): spec.traffic is
// resolved against Configurations and Revisions into per-name (default "" and each tag) lists of
// revision targets, the flattened list for status.traffic, and the AllTrafficAssigned failure, if any.
// Pure: the caller hands in lookups over its caches.
import { getCondition, isReady, type Status } from '../meta.ts';
import { servingContainerIndex } from './containers.ts';
import { L } from './labels.ts';
import type { Configuration, Revision, Route, TrafficTarget } from './types.ts';

/** The name of the default (untagged) traffic target. */
export const DEFAULT_TARGET = '';

export interface TrafficLookup {
  configuration(name: string): Configuration | undefined;
  revision(name: string): Revision | undefined;
}

export type Protocol = 'http1' | 'h2c';

export interface RevisionTarget {
  tag: string;
  revisionName: string;
  configurationName: string;
  latestRevision: boolean;
  percent?: number;
  protocol: Protocol;
}

export interface TrafficConfig {
  /** name ("" for the default, else the tag) → targets consolidated by revision. */
  targets: Map<string, RevisionTarget[]>;
  /** The flattened targets in spec order: what status.traffic shows. */
  revisionTargets: RevisionTarget[];
  /** Configurations and Revisions referenced (found or not). */
  configurations: string[];
  revisions: string[];
  missingTargets: { kind: 'Configuration' | 'Revision'; name: string }[];
}

/** Why AllTrafficAssigned is not True. */
export interface TrafficError {
  status: 'False' | 'Unknown';
  reason: string;
  message: string;
  /** Failures (False) versus still waiting (Unknown). */
  isFailure: boolean;
}

const missing = (kind: 'Configuration' | 'Revision', name: string): TrafficError => ({
  status: 'False',
  reason: `${kind}Missing`,
  message: `${kind} ${JSON.stringify(name)} referenced in traffic not found.`,
  isFailure: true,
});

function readyStatus(o: { status?: Status }): string {
  return getCondition(o.status, 'Ready')?.status ?? 'Unknown';
}

const unreadyConfig = (c: Configuration): TrafficError =>
  readyStatus(c) === 'False'
    ? { status: 'False', reason: 'RevisionMissing', message: `Configuration ${JSON.stringify(c.metadata.name)} does not have any ready Revision.`, isFailure: true }
    : {
        status: 'Unknown',
        reason: 'RevisionMissing',
        message: `Configuration ${JSON.stringify(c.metadata.name)} is waiting for a Revision to become ready.`,
        isFailure: false,
      };

const unreadyRevision = (r: Revision): TrafficError =>
  readyStatus(r) === 'False'
    ? { status: 'False', reason: 'RevisionMissing', message: `Revision ${JSON.stringify(r.metadata.name)} failed to become ready.`, isFailure: true }
    : { status: 'Unknown', reason: 'RevisionMissing', message: `Revision ${JSON.stringify(r.metadata.name)} is not yet ready.`, isFailure: false };

const notOwned = (rev: string, svc: string): TrafficError => ({
  status: 'False',
  reason: 'RevisionNotOwned',
  message: `Revision ${JSON.stringify(rev)} referenced in traffic is not owned by Service ${JSON.stringify(svc)}.`,
  isFailure: true,
});

/**
 * spec.traffic with the defaults applied: no traffic block means 100% to the latest ready Revision of
 * the Configuration named like the Route; a target with neither revisionName nor configurationName
 * follows that Configuration too; latestRevision defaults to `revisionName == ""`.
 */
export function effectiveTraffic(route: Route): TrafficTarget[] {
  const name = route.metadata.name ?? '';
  const spec = route.spec?.traffic;
  if (!spec || spec.length === 0) return [{ configurationName: name, latestRevision: true, percent: 100 }];
  return spec.map((t) => {
    const out: TrafficTarget = { ...t };
    if (!out.revisionName && !out.configurationName) out.configurationName = name;
    if (out.latestRevision === undefined) out.latestRevision = !out.revisionName;
    return out;
  });
}

/** A Revision is h2c when the first port of its serving container is named h2c. */
export function revisionProtocol(rev: Revision): Protocol {
  const containers = rev.spec?.containers ?? [];
  return containers[servingContainerIndex(containers)]?.ports?.[0]?.name === 'h2c' ? 'h2c' : 'http1';
}

function consolidate(targets: RevisionTarget[]): RevisionTarget[] {
  const byName = new Map<string, RevisionTarget>();
  for (const t of targets) {
    const cur = byName.get(t.revisionName);
    if (!cur) byName.set(t.revisionName, { ...t });
    else cur.percent = (cur.percent ?? 0) + (t.percent ?? 0);
  }
  const out = [...byName.values()];
  if (out.length === 1 && out[0]) out[0].percent = 100;
  return out;
}

/** Resolves a Route's traffic. On a target error, `config` is undefined and `error` says why. */
export function buildTraffic(route: Route, lookup: TrafficLookup): { config?: TrafficConfig; error?: TrafficError } {
  const serviceName = route.metadata.labels?.[L.service];
  const configurations = new Set<string>();
  const revisions = new Set<string>();
  const missingTargets: TrafficConfig['missingTargets'] = [];
  const flat: RevisionTarget[] = [];
  let deferred: TrafficError | undefined;

  const resolveRevision = (name: string): { rev?: Revision; err?: TrafficError } => {
    revisions.add(name);
    const rev = lookup.revision(name);
    if (!rev) {
      missingTargets.push({ kind: 'Revision', name });
      return { err: missing('Revision', name) };
    }
    return { rev };
  };

  for (const t of effectiveTraffic(route)) {
    let err: TrafficError | undefined;
    let target: RevisionTarget | undefined;
    if (t.revisionName) {
      const { rev, err: e } = resolveRevision(t.revisionName);
      err = e;
      if (rev) {
        if (serviceName && rev.metadata.labels?.[L.service] !== serviceName) err = notOwned(t.revisionName, serviceName);
        else if (!isReady(rev)) err = unreadyRevision(rev);
        const cfgName = rev.metadata.labels?.[L.configuration] ?? '';
        if (cfgName) configurations.add(cfgName);
        target = {
          tag: t.tag ?? '',
          revisionName: t.revisionName,
          configurationName: cfgName,
          latestRevision: false,
          percent: t.percent,
          protocol: revisionProtocol(rev),
        };
      }
    } else if (t.configurationName) {
      const name = t.configurationName;
      configurations.add(name);
      const cfg = lookup.configuration(name);
      if (!cfg) {
        missingTargets.push({ kind: 'Configuration', name });
        err = missing('Configuration', name);
      } else if (!cfg.status?.latestReadyRevisionName) {
        err = unreadyConfig(cfg);
      } else {
        const { rev, err: e } = resolveRevision(cfg.status.latestReadyRevisionName);
        err = e;
        if (rev) {
          if (!isReady(rev)) err = unreadyRevision(rev);
          target = {
            tag: t.tag ?? '',
            revisionName: rev.metadata.name ?? '',
            configurationName: name,
            latestRevision: true,
            percent: t.percent,
            protocol: revisionProtocol(rev),
          };
        }
      }
    }
    if (err) {
      deferred ??= err;
      continue;
    }
    if (target) flat.push(target);
  }

  if (deferred) return { error: deferred };

  // Entries with the same tag, revision and latestRevision are one status entry with summed percents.
  const merged: RevisionTarget[] = [];
  for (const t of flat) {
    const same = merged.find((m) => m.tag === t.tag && m.revisionName === t.revisionName && m.latestRevision === t.latestRevision);
    if (same) {
      if (same.percent !== undefined || t.percent !== undefined) same.percent = (same.percent ?? 0) + (t.percent ?? 0);
    } else merged.push({ ...t });
  }

  const perName = new Map<string, RevisionTarget[]>([[DEFAULT_TARGET, []]]);
  for (const t of merged) {
    perName.get(DEFAULT_TARGET)?.push(t);
    if (t.tag) {
      const l = perName.get(t.tag) ?? [];
      l.push(t);
      perName.set(t.tag, l);
    }
  }
  const targets = new Map<string, RevisionTarget[]>();
  for (const [name, list] of perName) targets.set(name, consolidate(list));

  return {
    config: {
      targets,
      revisionTargets: merged,
      configurations: [...configurations].sort(),
      revisions: [...revisions].sort(),
      missingTargets,
    },
  };
}

/** Traffic names in the order upstream programs them: "" first, then tags sorted. */
export function trafficNames(cfg: TrafficConfig): string[] {
  return [...cfg.targets.keys()].sort((a, b) => (a === b ? 0 : a < b ? -1 : 1));
}

/** status.traffic: the resolved targets, with a url for each tag (urlForTag gives it). */
export function statusTraffic(cfg: TrafficConfig, urlForTag: (tag: string) => string): TrafficTarget[] {
  return cfg.revisionTargets.map((t) => {
    const out: TrafficTarget = {};
    if (t.tag) out.tag = t.tag;
    out.revisionName = t.revisionName;
    out.latestRevision = t.latestRevision;
    if (t.percent !== undefined) out.percent = t.percent;
    if (t.tag) out.url = urlForTag(t.tag);
    return out;
  });
}

/** Every revision and configuration a Route refers to in spec or status (for the labeler). */
export function referencedByRoute(route: Route): { configurations: Set<string>; revisions: Set<string>; latestOf: Set<string> } {
  const configurations = new Set<string>();
  const revisions = new Set<string>();
  const latestOf = new Set<string>();
  for (const t of effectiveTraffic(route)) {
    if (t.revisionName) revisions.add(t.revisionName);
    else if (t.configurationName) {
      configurations.add(t.configurationName);
      latestOf.add(t.configurationName);
    }
  }
  for (const t of route.status?.traffic ?? []) if (t.revisionName) revisions.add(t.revisionName);
  return { configurations, revisions, latestOf };
}
