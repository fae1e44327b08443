// Commands whose kn-ts output differs from upstream kn on purpose, each with its reason (the same
// reasons are in docs/compatibility.md). parity.test.ts fails when a command differs and is not
// listed here, and when a listed command has become identical.
export const KNOWN_DIFFERENCES: Record<string, string> = {};
