#!/usr/bin/env bash
# The README's first command: installs what Marvin needs, builds it, and runs `marvin dev` (a
# local testbed with a sample experiment, end to end). Arguments go to `marvin dev`, e.g.
# `scripts/dev.sh --keep` to keep the testbed up after the experiment.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build
exec .build/debug/marvin dev "$@"
