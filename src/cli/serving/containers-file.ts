// The file of `--containers FILE` (or `-` for stdin): a PodSpec fragment with a `containers` list,
// in YAML or JSON, as upstream kn reads it. Checked here so that a bad file is one clear error
// naming the file, never a parser dump or the file's bytes.
import type { V1Container } from '@kubernetes/client-node';
import { parse } from 'yaml';
import { nameError } from '../../api/names.ts';
import { imageReferenceError } from '../../api/serving/image.ts';
import { UserError } from '../errors.ts';
import { textFileProblem, yamlProblem } from '../files.ts';

export function parseContainersFile(text: string, source: string): { containers: V1Container[] } {
  const where = source === '-' ? 'the --containers input (stdin)' : `the --containers file ${source}`;
  const bad = (why: string, shape = true): never => {
    throw new UserError(`${where} ${why}${shape ? "; it must hold a YAML or JSON pod spec fragment like 'containers: [{name: sidecar, image: example.com/sidecar:v1}]'" : ''}`);
  };
  const notText = textFileProblem(text);
  if (notText) bad(notText);
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    bad(`is not valid YAML (${yamlProblem(e)})`);
  }
  if (doc === null || doc === undefined) bad('is empty');
  if (typeof doc !== 'object' || Array.isArray(doc)) bad('is not a mapping');
  const containers = (doc as { containers?: unknown }).containers;
  if (containers === undefined) bad("has no 'containers' list");
  if (!Array.isArray(containers) || containers.length === 0) bad("has a 'containers' entry that is not a non-empty list");
  (containers as unknown[]).forEach((c, i) => {
    if (c === null || typeof c !== 'object' || Array.isArray(c)) bad(`has containers[${i}] that is not a mapping`);
    const x = c as { name?: unknown; image?: unknown };
    if (typeof x.image !== 'string' || x.image === '') bad(`has containers[${i}] without an image`);
    const imgErr = imageReferenceError(x.image as string);
    if (imgErr) bad(`has containers[${i}] with the invalid image ${JSON.stringify(x.image)} (${imgErr})`, false);
    if (x.name !== undefined) {
      const err = typeof x.name === 'string' ? nameError(x.name, 'dns1123-label') : 'must be a string';
      if (err) bad(`has containers[${i}] with the invalid name ${JSON.stringify(x.name)} (${err})`, false);
    }
  });
  return { containers: containers as V1Container[] };
}
