// A living condition set (knative.dev/pkg apis.NewLivingConditionSet) for the Route and the
// DomainMapping: Ready is True when every dependent is True, False when any is False, else Unknown.
// lastTransitionTime changes only when a condition's status changes.
import type { Condition, ConditionStatus, Status } from '../../api/meta.ts';

export class ConditionManager {
  readonly status: Status;
  readonly dependents: readonly string[];
  readonly now: () => Date;

  constructor(status: Status, dependents: readonly string[], now: () => Date) {
    this.status = status;
    this.dependents = dependents;
    this.now = now;
  }

  get(type: string): Condition | undefined {
    return this.status.conditions?.find((c) => c.type === type);
  }

  /** Adds every dependent (and Ready) as Unknown if missing. */
  initialize(): void {
    for (const t of ['Ready', ...this.dependents]) if (!this.get(t)) this.set({ type: t, status: 'Unknown' }, false);
  }

  markTrue(type: string, reason?: string, message?: string): void {
    this.set({ type, status: 'True', ...(reason ? { reason } : {}), ...(message ? { message } : {}) });
  }
  markFalse(type: string, reason: string, message: string): void {
    this.set({ type, status: 'False', reason, message });
  }
  markUnknown(type: string, reason: string, message: string): void {
    this.set({ type, status: 'Unknown', reason, message });
  }

  private set(c: Condition, recompute = true): void {
    const list = (this.status.conditions ??= []);
    const old = list.find((x) => x.type === c.type);
    const next: Condition = { ...c };
    if (!next.reason) delete next.reason;
    if (!next.message) delete next.message;
    if (!this.dependents.includes(c.type) && c.type !== 'Ready') next.severity = 'Info';
    next.lastTransitionTime =
      old && old.status === c.status && old.lastTransitionTime ? old.lastTransitionTime : this.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    if (old) list.splice(list.indexOf(old), 1, next);
    else list.push(next);
    list.sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
    if (recompute && c.type !== 'Ready') this.recomputeReady();
  }

  private recomputeReady(): void {
    let worst: Condition | undefined;
    let status: ConditionStatus = 'True';
    for (const t of this.dependents) {
      const c = this.get(t);
      const s = c?.status ?? 'Unknown';
      if (s === 'False') {
        status = 'False';
        worst = c;
        break;
      }
      if (s === 'Unknown' && status === 'True') {
        status = 'Unknown';
        worst = c;
      }
    }
    if (status === 'True') this.set({ type: 'Ready', status: 'True' }, false);
    else this.set({ type: 'Ready', status, reason: worst?.reason ?? '', message: worst?.message ?? '' }, false);
  }
}
