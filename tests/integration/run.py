"""Run integration targets against the sandbox fleet (the convention: docs/testing.md).

Each folder in tests/integration/targets/ is one target: `runme.sh` (called with the inventory path
as $1; it sources tests/integration/lib/target.sh), an `aliases` file and, when the target leaves
anything on the hosts, `cleanup.yml`, which this runner plays before the target and after it, pass
or fail. A target passes when runme.sh exits 0. It is skipped, with the reason, when its aliases ask
for an engine newer than the fleet's (needs/engine/VERSION), or when it reported that this machine
cannot run what it is for (`skip` in target.sh, lib/skip.yml in a playbook); a skipped target is
never counted as passed. The last line is "N passed, N failed, N skipped"; --results FILE also
writes {"passed": [...], "failed": [...], "why_failed": {target: line}, "flaky": {target: first
failure}, "skipped": {target: reason}, "partly_skipped": {target: [reason, ...]}, "proven": {target:
[engine, ...]}} there (tests/integration/matrix.py reads it).

    run.py --inventory INVENTORY [--results FILE] [--rerun-failed] [TARGET ...]
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time

from why_failed import WhyFailed

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = os.path.join(HERE, 'targets')


def read_aliases(name):
    """The target's aliases file as a list of words (comments and blank lines left out)."""
    path = os.path.join(TARGETS, name, 'aliases')
    if not os.path.isfile(path):
        return []
    with open(path) as lines:
        return [line.split('#', 1)[0].strip() for line in lines if line.split('#', 1)[0].strip()]


def version_tuple(text):
    """20.10.24+dfsg1 -> (20, 10, 24): the numbers before any build suffix."""
    return tuple(int(part) for part in re.findall(r'\d+', re.split(r'[+~-]', text)[0]))


def fleet_engine(inventory):
    """The lowest Docker Engine version the fleet's hosts run, from the inventory the fleet tool wrote."""
    versions = []
    with open(inventory) as lines:
        for line in lines:
            fields = dict(field.split('=', 1) for field in line.split()[1:] if '=' in field)
            if 'fleet_engine_version' in fields:
                versions.append(fields['fleet_engine_version'])
    return min(versions, key=version_tuple) if versions else None


def engine_too_old(aliases, engine):
    """The reason to skip when an alias needs/engine/VERSION asks for a newer engine than the fleet's."""
    for alias in aliases:
        if alias.startswith('needs/engine/'):
            wanted = alias[len('needs/engine/'):]
            if engine is None:
                return 'needs Docker Engine %s or newer; the inventory does not say which engine the hosts run' % wanted
            if version_tuple(engine) < version_tuple(wanted):
                return 'needs Docker Engine %s or newer; this fleet runs %s' % (wanted, engine)
    return None


def read_skips(path):
    """What the target reported as skipped: lines "target: REASON" (all of it) or "part: REASON"."""
    whole, parts = [], []
    with open(path) as lines:
        for line in lines:
            scope, _colon, reason = line.strip().partition(': ')
            if scope == 'target':
                whole.append(reason)
            elif scope == 'part':
                parts.append(reason)
    # A reason reported by every host once is one reason.
    return list(dict.fromkeys(whole)), list(dict.fromkeys(parts))


def play_cleanup(folder, inventory, env, when):
    """cleanup.yml of the target, if it has one; False when it failed."""
    if not os.path.exists(os.path.join(folder, 'cleanup.yml')):
        return True
    print('=== cleanup %s: ansible-playbook cleanup.yml' % when, flush=True)
    command = ['ansible-playbook', '-i', inventory, 'cleanup.yml']
    return subprocess.run(command, cwd=folder, env=env, check=False).returncode == 0


def run_runme(folder, env):
    """bash runme.sh, its output passed through; (exit status, why it failed)."""
    why = WhyFailed()
    if sys.stdout.isatty():
        # The output goes through a pipe now: keep the colours a terminal would have had.
        env = dict(env, ANSIBLE_FORCE_COLOR='1')
    with subprocess.Popen(['bash', 'runme.sh', env['FLEET_INVENTORY']], cwd=folder, env=env, text=True,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT, errors='replace') as process:
        for line in process.stdout:
            sys.stdout.write(line)
            why.feed(line)
    sys.stdout.flush()
    return process.returncode, why.reason()


def run_target(name, inventory, env):
    """Returns ("passed" | "failed" | "skipped", [reasons]); a failure has one reason, why it failed."""
    folder = os.path.join(TARGETS, name)
    if not os.path.exists(os.path.join(folder, 'runme.sh')):
        print('=== %s has no runme.sh (every target needs one: docs/testing.md)' % name, flush=True)
        return 'failed', ['it has no runme.sh']
    too_old = engine_too_old(read_aliases(name), fleet_engine(inventory))
    if too_old:
        return 'skipped', [too_old]
    with tempfile.NamedTemporaryFile('r', prefix='skips-%s-' % name, suffix='.txt') as skips:
        env = dict(env, FLEETNET_TEST_SKIPS=skips.name)
        cleaned = play_cleanup(folder, inventory, env, 'before')
        status, why = run_runme(folder, env) if cleaned else (1, 'its cleanup.yml failed before it ran')
        if not play_cleanup(folder, inventory, env, 'after') and status == 0:
            status, why = 1, 'its cleanup.yml failed after it ran'
        whole, parts = read_skips(skips.name)
    if status != 0:
        return 'failed', [why]
    if whole:
        return 'skipped', whole
    return 'passed', parts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--inventory', required=True)
    parser.add_argument('--results', help='write the passed, failed and skipped targets to this JSON file')
    parser.add_argument('--rerun-failed', action='store_true',
                        help='run a failed target once more; one that passes then is listed as flaky, with its first failure')
    parser.add_argument('targets', nargs='*')
    args = parser.parse_args()
    names = args.targets or sorted(os.listdir(TARGETS))
    unknown = [name for name in names if not os.path.isdir(os.path.join(TARGETS, name))]
    if unknown:
        sys.exit('unknown integration target(s): %s' % ', '.join(unknown))
    # ansible-playbook passes a play with no hosts: an inventory that is gone (a fleet taken down
    # meanwhile) would make every target pass without running.
    if not os.path.isfile(args.inventory):
        sys.exit('inventory %s does not exist: is the fleet up?' % args.inventory)
    inventory = os.path.abspath(args.inventory)
    env = dict(os.environ, FLEET_INVENTORY=inventory)
    # The venv's ansible-playbook, whichever interpreter runs this script.
    env['PATH'] = os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', '')
    passed, failed, skipped, partly, why, flaky = [], [], {}, {}, {}, {}
    for name in names:
        print('=== integration target %s: bash runme.sh %s' % (name, inventory), flush=True)
        started = time.time()
        outcome, reasons = run_target(name, inventory, env)
        if outcome == 'failed' and args.rerun_failed:
            # A failure that a second run does not repeat is reported as flaky, never hidden.
            first = reasons[0]
            print('=== %s FAILED in %.0fs, run again once (--rerun-failed)\n    why: %s'
                  % (name, time.time() - started, first), flush=True)
            outcome, reasons = run_target(name, inventory, env)
            if outcome != 'failed':
                flaky[name] = first
        took = time.time() - started
        if outcome == 'skipped':
            skipped[name] = '; '.join(reasons)
            print('=== %s SKIPPED in %.0fs: %s' % (name, took, skipped[name]), flush=True)
            continue
        if outcome == 'failed':
            failed.append(name)
            why[name] = reasons[0]
            print('=== %s FAILED in %.0fs\n    why: %s' % (name, took, why[name]), flush=True)
            continue
        passed.append(name)
        if reasons:
            partly[name] = reasons
        parts = ''.join('\n    part skipped: %s' % reason for reason in reasons)
        if name in flaky:
            parts += '\n    FLAKY: it failed the first time: %s' % flaky[name]
        print('=== %s PASSED in %.0fs%s' % (name, took, parts), flush=True)
    if args.results:
        proven = {name: [alias[len('proven/'):] for alias in read_aliases(name) if alias.startswith('proven/')]
                  for name in names}
        with open(args.results, 'w') as results:
            json.dump(dict(passed=passed, failed=failed, why_failed=why, flaky=flaky, skipped=skipped,
                           partly_skipped=partly, proven=proven), results)
    print('passed targets: %s' % (', '.join(passed) or '-'))
    for name, reasons in partly.items():
        for reason in reasons:
            print('  %s, part skipped: %s' % (name, reason))
    for name, first in flaky.items():
        print('  %s FLAKY: passed on its second run; the first failed: %s' % (name, first))
    print('failed targets: %s' % (', '.join(failed) or '-'))
    for name in failed:
        print('  %s failed: %s' % (name, why[name]))
    print('skipped targets: %s' % ('-' if not skipped else ''))
    for name, reason in skipped.items():
        print('  %s skipped: %s' % (name, reason))
    print('%d passed, %d failed, %d skipped' % (len(passed), len(failed), len(skipped)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
