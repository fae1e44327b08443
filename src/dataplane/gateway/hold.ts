// Requests held while their revision has no ready endpoint (scale from zero): each waits until the
// routing table gives its split endpoints (then it is routed again, with its original deadline) or
// its hold timeout passes (503). The node:http path holds; the fast path hands such requests to it.
import type http from 'node:http';
import { plain } from './replies.ts';
import type { Listener } from './routing.ts';
import type { HostRoutes, RoutingTable, Split } from './table.ts';

interface Held {
  req: http.IncomingMessage;
  res: http.ServerResponse;
  listener: Listener;
  deadline: number;
  timer: NodeJS.Timeout;
  split: Split;
}

/** Routes a request again (Gateway.handle). */
export type Dispatch = (req: http.IncomingMessage, res: http.ServerResponse, listener: Listener, deadline: number) => void;

export interface HolderOptions {
  /** How long a request waits for endpoints; 0: answer 503 at once. */
  timeoutMs: number;
  /** Called when a request is held for a split with no endpoints (e.g. to poke the autoscaler). */
  onHold?: ((split: Split) => void) | undefined;
  dispatch: Dispatch;
}

export class Holder {
  private readonly held = new Map<string, Held[]>();
  private readonly o: HolderOptions;
  /** Requests currently held (all revisions). */
  count = 0;

  constructor(o: HolderOptions) {
    this.o = o;
  }

  /** Holds the request, or answers 503 when holding is off or its deadline has passed. */
  hold(req: http.IncomingMessage, res: http.ServerResponse, listener: Listener, split: Split, deadline: number): void {
    const now = Date.now();
    const ms = this.o.timeoutMs;
    if (ms <= 0 || (deadline !== 0 && deadline <= now)) {
      req.resume();
      plain(res, 503, `no ready endpoints for revision "${split.revision}" in namespace "${split.namespace}" (service ${split.key})\n`);
      return;
    }
    const d = deadline || now + ms;
    const h: Held = {
      req,
      res,
      listener,
      deadline: d,
      split,
      timer: setTimeout(() => this.expire(h), d - now),
    };
    let list = this.held.get(split.key);
    if (!list) this.held.set(split.key, (list = []));
    list.push(h);
    this.count++;
    res.once('close', () => {
      if (this.unhold(h)) clearTimeout(h.timer);
    });
    this.o.onHold?.(split);
  }

  private unhold(h: Held): boolean {
    const list = this.held.get(h.split.key);
    const i = list ? list.indexOf(h) : -1;
    if (!list || i < 0) return false;
    list.splice(i, 1);
    if (list.length === 0) this.held.delete(h.split.key);
    this.count--;
    return true;
  }

  private expire(h: Held): void {
    if (!this.unhold(h)) return;
    h.req.resume();
    plain(h.res, 503, `no ready endpoints for revision "${h.split.revision}" in namespace "${h.split.namespace}" after waiting ${this.o.timeoutMs} ms\n`);
  }

  /** Routes again every held request whose split has endpoints in the new table. */
  release(table: RoutingTable): void {
    if (this.held.size === 0) return;
    const ready = new Set<string>();
    const visit = (hr: HostRoutes | undefined) => {
      for (const p of hr?.internal ?? []) for (const s of p.splits) if (s.endpoints.length > 0) ready.add(s.key);
    };
    for (const hr of table.hosts.values()) visit(hr);
    visit(table.wildcard);
    for (const [key, list] of [...this.held]) {
      if (!ready.has(key)) continue;
      this.held.delete(key);
      for (const h of list) {
        clearTimeout(h.timer);
        this.count--;
        if (!h.res.destroyed) this.o.dispatch(h.req, h.res, h.listener, h.deadline);
      }
    }
  }

  /** Answers every held request 503 (shutting down). */
  close(): void {
    for (const list of this.held.values())
      for (const h of list) {
        clearTimeout(h.timer);
        plain(h.res, 503, 'gateway shutting down\n');
      }
    this.held.clear();
    this.count = 0;
  }
}
