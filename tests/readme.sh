#!/usr/bin/env bash
# Run every ```sh block of README.md, in order, in one bash, in a temporary
# folder, as a reader would paste them — so that the README stays true. Called
# by tests/test_readme.c with AMDAHL_ROOT (the repository) and AMDAHL_BIN (the
# binary under test); `build` in the folder is the binary's folder, so the
# README's `export PATH="$PWD/build:$PATH"` finds it.
#
# Small sizes, so that the whole README runs in well under a minute; these
# are the only changes made to the blocks:
#   - `make ARGS` is `make -n ARGS` in the repository: each target's recipe is
#     checked, not run (`make test` is what runs this; `make bench` takes minutes);
#   - `amdahl run ...` gets `--reps 2 --warmup 0 --work 0.005` appended (a later
#     option wins), `amdahl b5 ...` `--reps 1 --orders 10`, `amdahl demo race`
#     `--iterations 20000`;
#   - `head -c SIZE` makes 300000 bytes;
#   - without MPI in this build, the lines with `-b mpi` are left out.
# A command that fails stops the run with its line and status; `amdahl compare`
# may exit 1 (its verdict on noisy runs this small), never 2.
set -u
root=${AMDAHL_ROOT:?AMDAHL_ROOT names the repository}
bin=${AMDAHL_BIN:?AMDAHL_BIN names the binary under test}
work=$(mktemp -d "${TMPDIR:-/tmp}/amdahl-readme-XXXXXX") || exit 1
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
ln -s "$(cd "$(dirname "$bin")" && pwd)" build

awk '/^```sh$/ { inside = 1; next } /^```/ { inside = 0 } inside' "$root/README.md" > blocks.sh
[ "$(grep -c '^```sh$' "$root/README.md")" -ge 4 ] || { echo "README.md: fewer sh blocks than expected" >&2; exit 1; }
mpi_filter=cat
"$bin" info | grep -q '^  mpi  *unavailable' && mpi_filter="grep -v -- -b[[:space:]]mpi"
$mpi_filter < blocks.sh | sed -E \
	-e 's/^(amdahl run [^#]*[^ #])( +#.*)?$/\1 --reps 2 --warmup 0 --work 0.005\2/' \
	-e 's/^(amdahl b5 [^#]*[^ #])( +#.*)?$/\1 --reps 1 --orders 10\2/' \
	-e 's/^(amdahl demo race)( +#.*)?$/\1 --iterations 20000\2/' \
	-e 's/head -c [0-9]+/head -c 300000/' > small.sh

cat > prelude.sh <<PRELUDE
make() { command make -s -n -C "$root" "\$@" > /dev/null; }
on_err() {
	local rc=\$? cmd=\$BASH_COMMAND
	case "\$cmd" in "amdahl compare "*) [ "\$rc" -le 1 ] && return 0 ;; esac
	echo "README.md: '\$cmd' exited with status \$rc" >&2
	exit 1
}
trap on_err ERR
PRELUDE
cat prelude.sh small.sh > run.sh
bash run.sh > stdout 2> stderr
rc=$?
[ "$rc" -eq 0 ] || { tail -n 20 stderr >&2; exit "$rc"; }
echo "ok: $(grep -c . small.sh) lines of README.md run"
