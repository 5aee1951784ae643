"""Run integration targets against the sandbox fleet.

Each folder in tests/integration/targets/ is one target. A target runs `runme.sh` when it has one
(called with the inventory path as $1 and in $FLEET_INVENTORY), else `ansible-playbook playbook.yml`.
The target passes when the command exits 0. The last line is "N passed, N failed"; --results
FILE also writes {"passed": [...], "failed": [...]} there (tests/integration/matrix.py reads it).

    run.py --inventory INVENTORY [--results FILE] [TARGET ...]
"""
import argparse
import json
import os
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TARGETS = os.path.join(HERE, 'targets')


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--inventory', required=True)
    parser.add_argument('--results', help='write the passed and failed targets to this JSON file')
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
    env = dict(os.environ, FLEET_INVENTORY=args.inventory)
    # The venv's ansible-playbook, whichever interpreter runs this script.
    env['PATH'] = os.path.dirname(sys.executable) + os.pathsep + env.get('PATH', '')
    passed, failed = [], []
    for name in names:
        folder = os.path.join(TARGETS, name)
        if os.path.exists(os.path.join(folder, 'runme.sh')):
            command = ['bash', 'runme.sh', args.inventory]
        else:
            command = ['ansible-playbook', '-i', args.inventory, 'playbook.yml']
        print('=== integration target %s: %s' % (name, ' '.join(command)), flush=True)
        started = time.time()
        result = subprocess.run(command, cwd=folder, env=env, check=False)
        took = time.time() - started
        (passed if result.returncode == 0 else failed).append(name)
        print('=== %s %s in %.0fs' % (name, 'PASSED' if result.returncode == 0 else 'FAILED', took), flush=True)
    if args.results:
        with open(args.results, 'w') as results:
            json.dump(dict(passed=passed, failed=failed), results)
    print('passed targets: %s' % (', '.join(passed) or '-'))
    print('failed targets: %s' % (', '.join(failed) or '-'))
    print('%d passed, %d failed' % (len(passed), len(failed)))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
