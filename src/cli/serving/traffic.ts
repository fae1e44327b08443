// `--traffic`, `--tag` and `--untag` of `kn service create|update`: from the current Service and
// the flag values to the new spec.traffic, with upstream kn's validation order, error texts and
// automatic remainder (pkg/traffic/compute.go). Pure: no I/O.
import type { TrafficTarget } from '../../api/serving/types.ts';

export const LATEST_REF = '@latest';
/** Annotation kn reads on a Revision for the tags it carries (upstream RevisionTagsAnnotation). */
export const REVISION_TAGS_ANNOTATION = 'client.knative.dev/tags';

export interface TrafficFlags {
  /** --traffic values, already split on commas (pflag StringSlice). */
  traffic: string[];
  /** --tag values, split. */
  tags: string[];
  /** --untag values, split. */
  untags: string[];
  /** --traffic was given (cobra's Changed), even if its values are empty. */
  trafficGiven: boolean;
}

export interface TrafficContext {
  serviceName: string;
  /** The Service's spec.traffic as stored. */
  specTraffic?: TrafficTarget[];
  /** The Service's status.traffic: what is routed now. */
  statusTraffic?: TrafficTarget[];
  latestReadyRevisionName?: string;
  /** The Service's revisions: name and annotations (only for the automatic remainder). */
  revisions?: { name: string; annotations?: Record<string, string> }[];
  /** The command also makes a new revision (any template-changing flag). */
  mutation: boolean;
  /** `kn service create`: percents are applied when tags are given (traffic forced to @latest=100). */
  create?: boolean;
  /**
   * Treat an empty spec.traffic as Serving's default [{latestRevision: true, percent: 100}]. Upstream
   * gets that from the defaulting webhook; a cluster without the webhook stores nothing.
   */
  defaultEmptyTraffic?: boolean;
  /**
   * The names of the revisions that exist (or that this command creates). When given, a --tag or
   * --traffic reference to any other revision is an error before anything is written; upstream
   * writes it and the Route fails.
   */
  knownRevisions?: string[];
}

function unknownRevision(flag: string, ref: string, ctx: TrafficContext): Error {
  return new Error(
    `the revision or tag '${ref}' given in ${flag} does not exist in service '${ctx.serviceName}'; give one of its revisions (kn revision list -s ${ctx.serviceName} lists them) or @latest`,
  );
}

function checkKnown(flag: string, ref: string, ctx: TrafficContext): void {
  if (ctx.knownRevisions && !ctx.knownRevisions.includes(ref)) throw unknownRevision(flag, ref, ctx);
}

/** One comma-split list of StringSlice flag values ("a=1,b=2" and repetition both work). */
export function splitSlice(values: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const v of values ?? []) {
    // An empty value is kept (as one empty entry) so that verifyTrafficInput can refuse it.
    out.push(...v.split(','));
  }
  return out;
}

/** "ref=value" → [ref, value]; a bare "value" means "@latest=value". A trailing % is dropped. */
export function splitByEqualSign(pair: string): [string, string] {
  const parts = pair.split('=');
  if (parts.length === 1) return [LATEST_REF, parts[0]!];
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new Error(`expecting the value format in value1=value2, given ${pair}`);
  }
  const value = parts[1]!;
  return [parts[0]!, value.endsWith('%') ? value.slice(0, -1) : value];
}

const isLatest = (t: TrafficTarget): boolean => t.latestRevision ?? !t.revisionName;

function newTarget(tag: string, revision: string, percent: number, latest: boolean): TrafficTarget {
  const t: TrafficTarget = {};
  if (tag) t.tag = tag;
  if (!latest && revision) t.revisionName = revision;
  t.latestRevision = latest;
  t.percent = percent;
  return t;
}

function repetition(flag: string, ref: string): Error {
  const what = ref === LATEST_REF ? `identifier ${LATEST_REF}` : `revision reference ${ref}`;
  return new Error(`repetition of ${what} is not allowed, use only once with ${flag} flag`);
}

function distributionError(sum: number, reason: 'count' | 'missing'): Error {
  const why = reason === 'count' ? 'incorrect number of revisions specified. Only 1 revision should be missing' : 'cannot determine the missing revision';
  return new Error(`unable to allocate the remaining traffic: ${100 - sum}%. Reason: ${why}`);
}

/** Go's strconv.Atoi: an optional sign and decimal digits, nothing else. */
function atoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/**
 * Validates the flags against the Service and returns the --traffic entries to apply, including
 * the automatic remainder when the given percents sum to less than 100.
 */
export function verifyTrafficInput(flags: TrafficFlags, ctx: TrafficContext): string[] {
  // 0. No empty entries (a stray comma or an empty shell variable): upstream reads them as nothing.
  for (const [flag, values] of [['--traffic', flags.traffic], ['--tag', flags.tags], ['--untag', flags.untags]] as const) {
    if (values.some((v) => v.trim() === '')) throw new Error(`${flag} needs a value, got an empty string; give ${flag === '--untag' ? 'a tag name' : flag === '--tag' ? 'REVISION=TAG' : 'REVISION=PERCENT'}`);
  }
  for (const each of flags.tags) {
    const [, tag] = splitByEqualSign(each);
    if (!/^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(tag) || tag.length > 63) {
      throw new Error(`invalid tag '${tag}' in --tag: a tag must consist of lower case alphanumeric characters or '-', start with a letter and end with an alphanumeric character (at most 63 characters)`);
    }
  }
  // 1. @latest given twice in --tag (and every --tag value well-formed).
  let latestTagged = false;
  for (const each of flags.tags) {
    const [rev] = splitByEqualSign(each);
    if (rev === LATEST_REF) {
      if (latestTagged) throw repetition('--tag', LATEST_REF);
      latestTagged = true;
    }
  }
  // 2. Each --traffic entry: format, repetition, integer, range.
  const refs = new Set<string>();
  let sum = 0;
  for (const each of flags.traffic) {
    const [ref, percent] = splitByEqualSign(each);
    if (refs.has(ref)) throw repetition('--traffic', ref);
    refs.add(ref);
    const n = atoi(percent);
    if (n === undefined) throw new Error(`error converting given ${percent} to integer value for traffic distribution`);
    if (n < 0 || n > 100) throw new Error(`invalid value for traffic percent ${n}, expected 0 <= percent <= 100`);
    sum += n;
  }
  const entries = [...flags.traffic];
  // 3. The sum.
  if (sum === 100) return entries;
  if (sum > 100) throw new Error(`given traffic percents sum to ${sum}, want <=100`);
  if (flags.traffic.length === 0) return entries;

  // 4. The automatic remainder.
  const existing = ctx.statusTraffic ?? [];
  const n = existing.length;
  const given = flags.traffic.length;
  if (given < n - 1) throw distributionError(sum, 'count');
  const named = new Set(refs);
  if (ctx.mutation) {
    if (given !== n) throw distributionError(sum, 'count');
    if (!refs.has(LATEST_REF)) return [...entries, `${LATEST_REF}=${100 - sum}`];
  } else {
    if (given !== n - 1) throw distributionError(sum, 'count');
    if (refs.has(LATEST_REF) && ctx.latestReadyRevisionName) named.add(ctx.latestReadyRevisionName);
  }
  const revisions = ctx.revisions ?? [];
  for (const target of existing) {
    const rev = revisions.find((r) => r.name === target.revisionName);
    if (!rev) break;
    // A revision counts as named by its name, by the tags kn records on it, or (as kn's docs
    // describe) by the tag its routed target carries.
    const annotated = rev.annotations?.[REVISION_TAGS_ANNOTATION];
    const tagged = existing.some((t) => t.revisionName === rev.name && t.tag && named.has(t.tag));
    if (named.has(rev.name) || (annotated !== undefined && named.has(annotated)) || tagged) continue;
    return [...entries, `${rev.name}=${100 - sum}`];
  }
  throw distributionError(sum, 'missing');
}

/**
 * The new spec.traffic. Throws an Error whose message is upstream kn's text when the flags are
 * invalid for this Service.
 */
export function computeTraffic(flags: TrafficFlags, ctx: TrafficContext): TrafficTarget[] {
  const percents = verifyTrafficInput(flags, ctx);
  let traffic: TrafficTarget[] = (ctx.specTraffic ?? []).map((t) => ({ ...t }));
  if (!traffic.length && ctx.defaultEmptyTraffic) traffic = [{ latestRevision: true, percent: 100 }];

  // 1. Untag.
  const missing: string[] = [];
  for (const tag of flags.untags) {
    const t = traffic.find((x) => x.tag === tag);
    if (t) delete t.tag;
    else missing.push(tag);
  }
  if (missing.length) throw new Error(`tag(s) ${missing.join(', ')} not present for any revisions of service ${ctx.serviceName}`);

  const tagPresent = (tag: string) => traffic.some((t) => t.tag === tag);
  for (const each of flags.tags) {
    const [rev, tag] = splitByEqualSign(each);
    // 2. Tag @latest.
    if (rev === LATEST_REF) {
      const existingTag = traffic.find(isLatest)?.tag ?? '';
      if (existingTag === tag) continue;
      if (tagPresent(tag)) throw overwriteTag(tag);
      if (existingTag !== '') {
        throw new Error(
          `tag '${existingTag}' exists on latest ready revision of service, refusing to overwrite existing tag with '${tag}', add flag '--untag ${existingTag}' in command to untag it`,
        );
      }
      const latest = traffic.find(isLatest);
      if (latest) latest.tag = tag;
      else traffic.push(newTarget(tag, '', 0, true));
      continue;
    }
    // 3. Tag another revision.
    if (traffic.some((t) => t.tag === tag && t.revisionName === rev)) continue;
    if (tagPresent(tag)) throw overwriteTag(tag);
    const first = traffic.find((t) => t.revisionName === rev);
    if (!first) checkKnown('--tag', rev, ctx);
    if (first && !first.tag) first.tag = tag;
    else traffic.push(newTarget(tag, rev, 0, false));
  }

  // 4. Percents: all reset, then @latest, then tags, then revision names.
  if (flags.trafficGiven || (ctx.create && flags.tags.length > 0)) {
    for (const t of traffic) t.percent = 0;
    for (const each of percents) {
      const [ref, p] = splitByEqualSign(each);
      const percent = Number(p);
      if (ref === LATEST_REF) {
        const latest = traffic.find(isLatest);
        if (latest) latest.percent = percent;
        else traffic.push(newTarget('', '', percent, true));
        continue;
      }
      const byTag = traffic.find((t) => t.tag === ref);
      if (byTag) {
        byTag.percent = percent;
        continue;
      }
      const byRev = traffic.find((t) => t.revisionName === ref);
      if (byRev) {
        byRev.percent = percent;
        continue;
      }
      checkKnown('--traffic', ref, ctx);
      traffic.push(newTarget('', ref, percent, false));
    }
  }
  // 5. Drop targets with neither a tag nor traffic.
  return traffic.filter((t) => !!t.tag || (t.percent ?? 0) !== 0);
}

function overwriteTag(tag: string): Error {
  return new Error(`refusing to overwrite existing tag in service, add flag '--untag ${tag}' in command to untag it`);
}

/** Whether any of --traffic, --tag, --untag was given (upstream Traffic.Changed). */
export function trafficChanged(f: { traffic?: string[]; tag?: string[]; untag?: string[] }): boolean {
  return f.traffic !== undefined || f.tag !== undefined || f.untag !== undefined;
}
