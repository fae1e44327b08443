// The printing flags kn's list and describe commands share (cli-runtime's PrintFlags plus kn's
// --no-headers). The glue that prints with them lives in print.ts, which does not load oclif (the
// direct runner of list commands uses it); it is re-exported here for the commands.
import { bool, str } from '../flags.ts';
import { OUTPUT_FORMATS } from './formats.ts';

export { checkOutput, type ListPrint, type OutputFlagValues, printList, printObject } from './print.ts';

export const outputFlags = (extra: string[] = []) => ({
  // upstream's two wordings: cli-runtime's list, or kn's own where describe adds `url`.
  output: str(extra.length ? `Output format. One of: ${[...OUTPUT_FORMATS, ...extra].join('|')}.` : `Output format. One of: (${OUTPUT_FORMATS.join(', ')}).`, { char: 'o' }),
  template: str(
    'Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].',
  ),
  'allow-missing-template-keys': bool(
    'If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.',
    { default: true, allowNo: true },
  ),
  'show-managed-fields': bool('If true, keep the managedFields when printing objects in JSON or YAML format.'),
});

export const noHeadersFlag = {
  'no-headers': bool("When using the default output format, don't print headers (default: print headers)."),
};

export const verboseFlag = { verbose: bool('More output.', { char: 'v' }) };

