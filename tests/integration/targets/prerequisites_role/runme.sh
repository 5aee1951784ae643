#!/usr/bin/env bash
# The prerequisites role on hosts whose Python has no Docker SDK: the venv path from the controller's
# wheelhouse (no package index is reached from the hosts), checked from the host side, then the
# modules running with the interpreter the role chose. The OS-package path is only shown in check
# mode: the sandbox hosts share this machine's system Python, which must not change.
# The runner shape of every target: docs/testing.md (the runner plays cleanup.yml before and after).
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
# The Python the sandbox hosts run (the node venv's), without anything installed: a "bare" host Python.
node_python=$(sed -n 's/^ansible_python_interpreter=//p' "$inventory")
base_python=$("$node_python" -c 'import sys; print(sys._base_executable)')
bare=$state/prerequisites-bare-python
"$base_python" -m venv --without-pip "$bare"
if "$bare/bin/python" -c 'import docker' 2>/dev/null; then echo "$bare/bin/python is not bare: it has the SDK" >&2; exit 1; fi

# The wheelhouse is made on the controller (the one place that may reach a package index).
make -s -C "$repo" wheelhouse
export PREREQUISITES_BARE_PYTHON=$bare/bin/python PREREQUISITES_WHEELHOUSE=$repo/build/wheelhouse

run() { playbook "$@" | tee "$state/prerequisites.log"; }
# Every host of the recap changed something (at least one) or nothing (0).
changed_on_every_host() {
    local counts
    counts=$(grep -Eo '^h[0-9]+ .*changed=[0-9]+' "$state/prerequisites.log" | grep -Eo '[0-9]+$')
    [ -n "$counts" ] || { echo "no play recap" >&2; return 1; }
    if [ "$1" = some ]; then
        if grep -qx 0 <<<"$counts"; then return 1; fi
    else
        [ "$(sort -u <<<"$counts")" = 0 ]
    fi
}

echo "== check mode on the bare Python: the OS-package path"
run --check check_mode_os.yml
echo "== the venv path from the wheelhouse: check mode, apply, check mode, apply (with the checks)"
run --check venv.yml
changed_on_every_host some || { echo "check mode reported no change" >&2; exit 1; }
if ls -d "$state"/hosts/h*/prerequisites-venv 2>/dev/null; then echo "check mode made a venv" >&2; exit 1; fi
run venv.yml
changed_on_every_host some || { echo "the role changed nothing on some host" >&2; exit 1; }
run --check venv.yml
changed_on_every_host none || { echo "check mode after the apply reported a change" >&2; exit 1; }
run venv.yml verify.yml
changed_on_every_host none || { echo "the second apply changed something" >&2; exit 1; }
echo "prerequisites_role: all checks passed"
