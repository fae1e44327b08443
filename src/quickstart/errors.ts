// A quickstart failure: the message is one line that names the problem and the fix.
export class QuickstartError extends Error {
  override name = 'QuickstartError';
}
