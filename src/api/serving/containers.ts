// Which container of a Revision serves traffic. Pure, and free of heavy imports so that both the
// CLI and the reconcilers can use it.
import type { V1Container } from '@kubernetes/client-node';

/** The serving container: the only one, or the one that declares ports (upstream's GetContainer). */
export function servingContainerIndex(containers: V1Container[]): number {
  if (containers.length <= 1) return 0;
  const i = containers.findIndex((c) => (c.ports?.length ?? 0) > 0);
  return i < 0 ? 0 : i;
}
