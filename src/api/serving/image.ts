// Container image references (the grammar of distribution/reference, which registries and
// go-containerregistry accept): [domain[:port]/]path[:tag][@digest]. Pure.

const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const DOMAIN_PART = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[0-9a-fA-F:.]+\\])(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
// The grammar asks for 32+ hex digits; kn-ts stores the given reference as the digest (docs/architecture.md), so any hex is accepted.
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]+';
const REFERENCE = new RegExp(`^((?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`);

export const IMAGE_RULE = 'use [registry[:port]/]repository[:tag][@digest] with a lowercase repository, e.g. ghcr.io/knative/helloworld-go:latest';

/** Undefined for a valid reference, else why it is not one. */
export function imageReferenceError(image: string): string | undefined {
  if (image === '') return 'must not be empty';
  if (image.trim() !== image) return 'must not start or end with whitespace';
  const m = REFERENCE.exec(image);
  if (!m) return `not a valid image reference; ${IMAGE_RULE}`;
  if (m[1]!.length > 255) return 'the repository name must be no more than 255 characters';
  return undefined;
}
