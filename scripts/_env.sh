# Shared by scripts/demo and scripts/test: a virtual environment in .venv with Samordna installed.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if [ ! -x .venv/bin/python ]; then
  if ! python3 -m venv .venv 2>/dev/null; then
    # Debian and Ubuntu ship venv separately.
    rm -rf .venv
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv
    python3 -m venv .venv
  fi
fi
stamp=.venv/.installed-$(sha1sum pyproject.toml | cut -c1-12)-${1:-app}
if [ ! -f "$stamp" ]; then
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".${2:-}"
  touch "$stamp"
fi
