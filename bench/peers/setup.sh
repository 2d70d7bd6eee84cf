#!/usr/bin/env bash
# One virtual environment per peer simulator, under bench/peers/.venvs/<peer> (git-ignored):
#   nest     NEST 3.10.0 (PyPI wheel nest-simulator, Python 3.11)
#   brian2   Brian2 2.9.0 + Cython, numpy < 2.4 (Brian2 2.9 does not import with numpy >= 2.4)
#   brainpy  BrainPy 2.8.2 + jax/jaxlib 0.10 (CPU; Python 3.11)
#   brainpy29  BrainPy 2.9.0 + jax/jaxlib 0.12 (CPU); needs Python >= 3.12: $PYTHON312, else
#            python3.12 on PATH, else pyenv's newest 3.12.x; skipped with a message if none exists
# Installs exactly the versions in requirements-<peer>.txt (pip freeze of a working install). A peer
# whose lock file is missing is installed from its top-level pins and the lock is written.
# Idempotent: a venv whose installed lock matches (stamp file) is left alone; re-run freely.
#   bash bench/peers/setup.sh            # all four
#   bash bench/peers/setup.sh nest       # some
#   LOCK=1 bash bench/peers/setup.sh     # ignore the locks, install the top-level pins, rewrite the locks
# Heavy steps run under `nice -n 10` (the machine is shared). Needs python3.11 and, for Brian2, g++.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
VENVS="$HERE/.venvs"
PYTHON="${PYTHON:-$(command -v python3.11 || true)}"
if [[ -z "$PYTHON" ]]; then
  echo "setup.sh: python3.11 not found (NEST 3.10's wheel and BrainPy 2.8 need CPython 3.11)" >&2
  exit 1
fi

declare -A TOP=(
  [nest]="nest-simulator==3.10.0"
  [brian2]="brian2==2.9.0 numpy<2.4 cython"
  [brainpy]="brainpy==2.8.2 jax[cpu]"
  [brainpy29]="brainpy==2.9.0 jax[cpu]==0.12.*"
)

python312() {  # a CPython >= 3.12 for BrainPy 2.9, or nothing
  local candidate root
  for candidate in "${PYTHON312:-}" "$(command -v python3.12 || true)"; do
    if [[ -n "$candidate" ]] && "$candidate" -c 'import sys; assert sys.version_info >= (3, 12)' 2>/dev/null; then
      echo "$candidate"
      return
    fi
  done
  if root="$(pyenv root 2>/dev/null)"; then  # pyenv's shim refuses a version that is not selected: use the binary
    candidate="$(ls -d "$root"/versions/3.12.*/bin/python 2>/dev/null | sort -V | tail -1)"
    [[ -n "$candidate" ]] && "$candidate" -c 'import sys' 2>/dev/null && echo "$candidate"
  fi
}

pip_quiet() {  # run pip niced and quiet, drop this machine's noise about absent local indexes, keep pip's status
  local out rc=0
  out="$(nice -n 10 "$@" --quiet --disable-pip-version-check 2>&1)" || rc=$?
  [[ -n "$out" ]] && grep -v "is ignored: it is neither a file nor a directory" <<<"$out"
  true
  return $rc
}

peers=("$@")
[[ ${#peers[@]} -eq 0 ]] && peers=(nest brian2 brainpy brainpy29)
status=0
for peer in "${peers[@]}"; do
  if [[ -z "${TOP[$peer]:-}" ]]; then
    echo "setup.sh: unknown peer '$peer' (nest, brian2, brainpy, brainpy29)" >&2
    exit 2
  fi
  venv="$VENVS/$peer"
  lock="$HERE/requirements-$peer.txt"
  stamp="$venv/.installed-lock"
  interpreter="$PYTHON"
  if [[ "$peer" == brainpy29 ]]; then
    interpreter="$(python312)"
    if [[ -z "$interpreter" ]]; then
      echo "== $peer: skipped: no Python >= 3.12 found (set PYTHON312=/path/to/python3.12); BrainPy 2.9 needs it"
      continue
    fi
  fi
  if [[ ! -x "$venv/bin/python" ]]; then
    echo "== $peer: creating $venv with $("$interpreter" --version 2>&1)"
    "$interpreter" -m venv "$venv"
  fi
  if [[ -f "$lock" && -z "${LOCK:-}" ]]; then
    if [[ -f "$stamp" ]] && cmp -s "$lock" "$stamp"; then
      echo "== $peer: up to date ($(grep -v '^#' "$lock" | wc -l) packages from $(basename "$lock"))"
      continue
    fi
    echo "== $peer: installing $(basename "$lock")"
    if ! pip_quiet "$venv/bin/python" -m pip install -r "$lock" || ! "$venv/bin/python" -m pip check >/dev/null; then
      echo "== $peer: FAILED to install from $lock" >&2
      status=1
      continue
    fi
  else
    echo "== $peer: installing ${TOP[$peer]} and writing $(basename "$lock")"
    # shellcheck disable=SC2086
    if ! pip_quiet "$venv/bin/python" -m pip install ${TOP[$peer]}; then
      echo "== $peer: FAILED" >&2
      status=1
      continue
    fi
    {
      echo "# bench/peers/setup.sh installs exactly these into .venvs/$peer (pip freeze; top level: ${TOP[$peer]})."
      echo "# Regenerate: LOCK=1 bash bench/peers/setup.sh $peer"
      "$venv/bin/python" -m pip freeze --disable-pip-version-check
    } > "$lock.new"
    mv "$lock.new" "$lock"
  fi
  cp "$lock" "$stamp"
  # smoke test: the simulator imports
  case "$peer" in
    nest) PYNEST_QUIET=1 "$venv/bin/python" -c "import nest; print('   nest', nest.__version__)" ;;
    brian2) "$venv/bin/python" -c "import brian2, numpy; print('   brian2', brian2.__version__, 'numpy', numpy.__version__)" ;;
    brainpy | brainpy29) JAX_PLATFORMS=cpu "$venv/bin/python" -c "import brainpy, jax; print('   brainpy', brainpy.__version__, 'jax', jax.__version__)" ;;
  esac || { echo "== $peer: installed but does not import" >&2; status=1; rm -f "$stamp"; }
done
exit $status
