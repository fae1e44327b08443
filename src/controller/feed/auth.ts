// Who may read the data-plane feed: the bearer token of a request, reviewed by the API server
// (TokenReview, with the feed's audience, so a token the API server itself would accept is
// refused), and its user one of those allowed (the broker's service account). Answers are kept for
// a minute (a refusal for five seconds), so a reconnecting broker costs no API call.
import type { KubeClient } from '../../kube/client.ts';

export type Verdict = { ok: true; user: string } | { ok: false; status: 401 | 403 | 503; reason: string };

interface TokenReview {
  status?: { authenticated?: boolean; user?: { username?: string }; audiences?: string[]; error?: string };
}

const MAX_CACHED = 256;

export class TokenReviewer {
  private readonly cache = new Map<string, { until: number; v: Verdict }>();
  private readonly client: KubeClient;
  private readonly audience: string;
  private readonly allowed: ReadonlySet<string>;
  constructor(client: KubeClient, audience: string, allowed: Iterable<string>) {
    this.client = client;
    this.audience = audience;
    this.allowed = new Set(allowed);
  }

  /** The verdict on an Authorization header. */
  async check(authorization: string | undefined, now = Date.now()): Promise<Verdict> {
    const m = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
    if (!m) return { ok: false, status: 401, reason: 'no bearer token' };
    const token = m[1]!;
    const hit = this.cache.get(token);
    if (hit && hit.until > now) return hit.v;
    let v: Verdict;
    try {
      const r = await this.client.raw<TokenReview>('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
        apiVersion: 'authentication.k8s.io/v1',
        kind: 'TokenReview',
        spec: { token, audiences: [this.audience] },
      });
      const user = r.status?.user?.username ?? '';
      if (!r.status?.authenticated || !(r.status.audiences ?? [this.audience]).includes(this.audience)) v = { ok: false, status: 401, reason: r.status?.error || `token not valid for audience ${this.audience}` };
      else if (!this.allowed.has(user)) v = { ok: false, status: 403, reason: `${user} may not read the feed` };
      else v = { ok: true, user };
    } catch (e) {
      // Not cached: the API server could not answer.
      return { ok: false, status: 503, reason: `token review failed: ${(e as Error).message}` };
    }
    if (this.cache.size >= MAX_CACHED) this.cache.clear();
    this.cache.set(token, { until: now + (v.ok ? 60_000 : 5_000), v });
    return v;
  }
}
