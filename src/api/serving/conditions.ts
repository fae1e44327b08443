// Condition sets as knative.dev/pkg's apis.ConditionSet: a "living" set has a happy condition
// (Ready) whose status follows its dependents; other conditions are written with severity Info and
// never affect Ready. Pure: the clock is passed in.
//
// One deliberate difference from pkg: lastTransitionTime changes only when a condition's status
// changes (the Kubernetes API convention), not when only its reason or message does. That keeps
// repeated reconciles byte-identical, so the runtime writes status only on real change.
import type { Condition, ConditionStatus, Status } from '../meta.ts';

export const READY = 'Ready';

export interface ConditionSet {
  happy: string;
  dependents: readonly string[];
}

/** apis.NewLivingConditionSet(deps...). */
export function livingSet(...dependents: string[]): ConditionSet {
  return { happy: READY, dependents };
}

/** RFC 3339 with whole seconds, as metav1.Time marshals. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export class ConditionManager {
  private readonly set: ConditionSet;
  private readonly status: Status;
  private readonly now: () => Date;

  constructor(set: ConditionSet, status: Status, now: () => Date = () => new Date()) {
    this.set = set;
    this.status = status;
    this.now = now;
  }

  get(type: string): Condition | undefined {
    return this.status.conditions?.find((c) => c.type === type);
  }

  isHappy(): boolean {
    return this.get(this.set.happy)?.status === 'True';
  }

  private isTerminal(type: string): boolean {
    return type === this.set.happy || this.set.dependents.includes(type);
  }

  private severity(type: string): Condition['severity'] {
    return this.isTerminal(type) ? undefined : 'Info';
  }

  /** Sets a condition; lastTransitionTime moves only when the status changes. Sorted by type. */
  setCondition(c: Condition): void {
    const conds = this.status.conditions ?? [];
    const old = conds.find((x) => x.type === c.type);
    const next: Condition = { type: c.type, status: c.status };
    const sev = c.severity ?? this.severity(c.type);
    if (sev) next.severity = sev;
    next.lastTransitionTime = old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(this.now());
    if (c.reason) next.reason = c.reason;
    if (c.message) next.message = c.message;
    const rest = conds.filter((x) => x.type !== c.type);
    rest.push(next);
    rest.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    this.status.conditions = rest;
  }

  clearCondition(type: string): void {
    if (!this.status.conditions) return;
    this.status.conditions = this.status.conditions.filter((c) => c.type !== type);
  }

  markTrue(type: string): void {
    this.setCondition({ type, status: 'True' });
    if (type === this.set.happy || !this.set.dependents.includes(type)) return;
    for (const d of this.set.dependents) if (this.get(d)?.status !== 'True') return;
    this.setCondition({ type: this.set.happy, status: 'True' });
  }

  markTrueWithReason(type: string, reason: string, message: string): void {
    this.setCondition({ type, status: 'True', reason, message });
    if (type === this.set.happy || !this.set.dependents.includes(type)) return;
    for (const d of this.set.dependents) if (this.get(d)?.status !== 'True') return;
    this.setCondition({ type: this.set.happy, status: 'True' });
  }

  markUnknown(type: string, reason: string, message = ''): void {
    this.setCondition({ type, status: 'Unknown', reason, message });
    if (!this.isTerminal(type) || type === this.set.happy) return;
    // A False dependent trumps Unknown: Ready stays (or becomes) False.
    for (const d of this.set.dependents) {
      const c = this.get(d);
      if (c?.status === 'False') {
        if (this.get(this.set.happy)?.status !== 'False') this.setCondition({ type: this.set.happy, status: 'False', reason, message });
        return;
      }
    }
    this.setCondition({ type: this.set.happy, status: 'Unknown', reason, message });
  }

  markFalse(type: string, reason: string, message = ''): void {
    this.setCondition({ type, status: 'False', reason, message });
    if (this.set.dependents.includes(type)) this.setCondition({ type: this.set.happy, status: 'False', reason, message });
  }

  /** Adds missing conditions as Unknown (dependents True when Ready already is). */
  initialize(): void {
    const happy = this.get(this.set.happy);
    if (!happy) this.setCondition({ type: this.set.happy, status: 'Unknown' });
    const st: ConditionStatus = happy?.status === 'True' ? 'True' : 'Unknown';
    for (const d of this.set.dependents) if (!this.get(d)) this.setCondition({ type: d, status: st });
  }
}
