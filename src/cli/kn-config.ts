// The kn configuration file (--config, default ~/.config/kn/config.yaml). kn-ts reads nothing from
// it yet, but a file given with --config that cannot be read or is not a YAML mapping is an
// error naming the file, as upstream kn's, instead of being ignored.
import { readFileSync } from 'node:fs';
import type * as YamlModule from 'yaml';
import { UserError } from './errors.ts';
import { fileErrorText, textFileProblem, yamlProblem } from './files.ts';

/** Throws a one-line UserError when the --config file is unusable. */
export async function checkKnConfigFile(path: string | undefined): Promise<void> {
  if (path === undefined) return;
  const fix = 'give a kn config file in YAML (see kn options), or leave --config out';
  if (path === '') throw new UserError(`--config needs a file name, got an empty string; ${fix}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new UserError(`cannot read the kn config file: ${fileErrorText(path, e)}`);
  }
  const notText = textFileProblem(text);
  if (notText) throw new UserError(`the kn config file ${path} ${notText}; ${fix}`);
  const yaml = (await import('yaml')) as typeof YamlModule & { default?: typeof YamlModule };
  const parse = yaml.parse ?? yaml.default!.parse;
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new UserError(`the kn config file ${path} is not valid YAML (${yamlProblem(e)}); ${fix}`);
  }
  if (doc !== null && doc !== undefined && (typeof doc !== 'object' || Array.isArray(doc))) {
    throw new UserError(`the kn config file ${path} is not a YAML mapping; ${fix}`);
  }
}

/** The value of --config in an argv, if given (`--config X` or `--config=X`). */
export function configFlagValue(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    if (a === '--config') return argv[i + 1] ?? '';
    if (a.startsWith('--config=')) return a.slice('--config='.length);
  }
  return undefined;
}
