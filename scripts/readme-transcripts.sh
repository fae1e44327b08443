#!/usr/bin/env bash
# Runs the README's `console tested` blocks in order on a fresh `kn quickstart kind` cluster (the e2e
# tier, as root; see docs/testing.md) and writes each command's real output into README.md, in place
# of the transcript there. Review the diff, then commit. test/e2e/readme.test.ts runs the same blocks
# and fails when the output differs from the README's.
#
#   bash scripts/readme-transcripts.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
KN_README_WRITE=1 exec bash scripts/test.sh test/e2e/readme.test.ts
