// API errors as clear one-line messages: not found, forbidden, conflict, unreachable.

export interface ApiStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; group?: string; kind?: string; causes?: { message?: string; field?: string }[] };
}

export class KubeError extends Error {
  override name = 'KubeError';
  readonly code: number;
  readonly reason: string;
  readonly status: ApiStatus | undefined;
  constructor(message: string, code: number, reason: string, status?: ApiStatus) {
    super(message);
    this.code = code;
    this.reason = reason;
    this.status = status;
  }
  get notFound(): boolean {
    return this.code === 404;
  }
  get conflict(): boolean {
    return this.code === 409 && this.reason === 'Conflict';
  }
  get alreadyExists(): boolean {
    return this.code === 409 && this.reason === 'AlreadyExists';
  }
  get gone(): boolean {
    return this.code === 410;
  }
}

export class UnreachableError extends Error {
  override name = 'UnreachableError';
  readonly server: string;
  constructor(server: string, cause: unknown) {
    const code = (cause as { code?: string })?.code;
    const why =
      code === 'ECONNREFUSED'
        ? 'connection refused'
        : code === 'ENOTFOUND'
          ? 'host not found'
          : code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT'
            ? 'connection timed out'
            : code === 'ENETUNREACH'
              ? 'network unreachable'
              : String((cause as Error)?.message ?? cause);
    super(`cannot reach the Kubernetes API server at ${server} (${why}); is the cluster running and is the kubeconfig right?`, { cause });
    this.server = server;
  }
}

/** Builds a KubeError from an API response; the server's own message is already user-grade. */
export function errorFromResponse(code: number, body: string, what: string): KubeError {
  let status: ApiStatus | undefined;
  try {
    status = JSON.parse(body) as ApiStatus;
  } catch {
    status = undefined;
  }
  const reason = status?.reason ?? (code === 404 ? 'NotFound' : code === 403 ? 'Forbidden' : code === 401 ? 'Unauthorized' : 'Unknown');
  let message = status?.message || body.trim() || `${what}: HTTP ${code}`;
  if (code === 401) message = `unauthorized: the API server rejected the credentials in the kubeconfig (${message})`;
  return new KubeError(message, code, reason, status);
}

export function isNotFound(e: unknown): boolean {
  return e instanceof KubeError && e.code === 404;
}
