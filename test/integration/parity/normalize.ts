// What changes from run to run in a kn output, replaced by fixed tokens so the outputs of two runs
// (and of two binaries) compare: timestamps, uids, resourceVersions, ages, the wait's progress lines,
// and the namespace and domain each binary works in. Nothing else is touched.

export interface Side {
  ns: string;
  dom: string;
}

/** The namespace and domain both sides are written as (the same length as each side's). */
export const NORMAL: Side = { ns: 'parity-ns', dom: 'd-ns.example.com' };

export function substitute(args: string[], side: Side, image: string): string[] {
  return args.map((a) => a.replaceAll('{ns}', side.ns).replaceAll('{dom}', side.dom).replaceAll('{img}', image));
}

const AGE = /(?<![\w.:/-])\d+(?:d|h|m|s)(?:\d+(?:h|m|s))?(?![\w.%/:-])/g;

export function normalize(text: string, side: Side, help: boolean): string {
  let t = text.replaceAll(side.ns, NORMAL.ns).replaceAll(side.dom, NORMAL.dom);
  if (help) return t;
  t = t
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g, '<time>')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>')
    .replace(/("resourceVersion": |resourceVersion: )"\d+"/g, '$1"<rv>"')
    // The wait's progress lines: their messages and timing depend on the controller's pace.
    .replace(/(?:^ *\d+\.\d{3}s .*\n)+/gm, '  <progress>\n');
  return t
    .split('\n')
    .map((line) => {
      const aged = line.replace(AGE, '<age>');
      // Tables: an age's width moves the columns after it; compare the cells, not the padding.
      if (aged !== line && /^[^\s]/.test(line) && !line.startsWith('Age:')) return aged.replace(/ {2,}/g, '   ');
      if (/^(NAMESPACE|NAME) {2,}/.test(line)) return line.replace(/ {2,}/g, '   ');
      // A condition row pads its age to 6 (`%6s`): the age's width is not the layout's.
      if (/^ {2,}(\+\+|!!|\?\?| [WI!]) /.test(line)) return aged.replace(/ +<age>/, ' <age>');
      return aged;
    })
    .join('\n');
}
