#!/usr/bin/env bash
# The CPU Python environment of the ML suites: a virtualenv outside the repo, keyed by the hash of
# the pinned requirements and the Python version, so a warm machine reuses it and a change of pins
# builds a new one. Wheels are kept in a wheelhouse in the builder's cache, so a rebuild downloads only new pins
# (pip's HTTP cache stays empty here: the index's answers are not cacheable, measured 2026-12-03).
#   scripts/ml/ensure-venv.sh          build if missing, print the venv's path (last line of stdout)
#   scripts/ml/ensure-venv.sh --path   print the path it would use, build nothing
#   scripts/ml/ensure-venv.sh --requirements FILE [--path]
#                                      the same for a small venv of FILE's pins alone (the official
#                                      `openai` Python client of tests/ml/openai.ml.test.ts)
# PyPI's Linux torch wheel needs its CUDA wheels even on CPU: without them `import torch` fails
# (libcudart.so.13 not found, measured 2026-12-03), so they are installed; sizes are in README.md.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
reqs="$repo/sdk/job-scripts/requirements"
req_files=("$reqs/cpu.txt" "$reqs/common.txt" "$reqs/dev.txt") # cpu.txt includes the other two; all feed the key
name=venv
if [ "${1:-}" = "--requirements" ]; then
  req_files=("$(cd "$(dirname "$2")" && pwd)/$(basename "$2")")
  name="venv-$(basename "$2" .txt)"
  shift 2
fi
# Under root the venv goes to /var/cache: a root worker runs jobs as the user openweights-job
# (worker/src/executors/job-user.ts), which cannot pass /root (mode 700), so a venv under root's
# home fails every job with "Permission denied" (CI, 2026-12-03). The wheelhouse is only read by
# this script, so it stays in the builder's own cache.
if [ -n "${OW_ML_CACHE:-}" ]; then root="$OW_ML_CACHE"
elif [ "$(id -u)" = 0 ]; then root=/var/cache/openweights
else root="$HOME/.cache/openweights"; fi
wheelhouse="${OW_ML_WHEELHOUSE:-$HOME/.cache/openweights/wheelhouse}"
# The interpreter must be reachable by that user too: a venv links to its base Python's binary and
# standard library, and the python3 first on root's PATH may live under /root (pyenv), so root
# builds on the system's Python (Debian's python3 + python3-venv, which .ci/run installs).
if [ -n "${OW_PYTHON:-}" ]; then python="$OW_PYTHON"
elif [ "$(id -u)" = 0 ] && [ -x /usr/bin/python3 ]; then python=/usr/bin/python3
else python=python3; fi
umask 022 # the job user reads (never writes) the venv and the tiny models beside it
# the pins alone (comments and blank lines do not change what gets installed) + the interpreter
key="$( (sed -e 's/[[:space:]]*#.*//' -e '/^[[:space:]]*$/d' "${req_files[@]}"
  "$python" -c 'import sys; print(sys.version)') | sha256sum | cut -c1-16)"
venv="$root/$name-$key"
if [ "${1:-}" = "--path" ]; then echo "$venv"; exit 0; fi
if [ -f "$venv/.complete" ]; then echo "$venv"; exit 0; fi

mkdir -p "$root"
exec 9>"$venv.lock"
flock 9 # two builders on one machine (CI and a developer) wait for each other instead of racing
if [ -f "$venv/.complete" ]; then echo "$venv"; exit 0; fi
# Built in place (a venv's console scripts hold its absolute path, so it cannot be renamed) and
# marked complete last: a crash mid-install leaves no marker, and the next call starts over.
rm -rf "$venv"
started=$(date +%s)
"$python" -m venv "$venv"
"$venv/bin/pip" download --disable-pip-version-check --progress-bar off -d "$wheelhouse" \
  -r "${req_files[0]}" >&2
"$venv/bin/pip" install --disable-pip-version-check --no-index --find-links "$wheelhouse" \
  -r "${req_files[0]}" >&2
echo "built in $(( $(date +%s) - started ))s, $(du -sh "$venv" | cut -f1)" >&2
touch "$venv/.complete"
echo "$venv"
