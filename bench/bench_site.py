# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What a fleetnet.docker.site run costs when nothing changes, next to one ping task (issue 28).

    bench/bench_site.py INVENTORY [--repeat 3]

Converges the fleet with playbooks/site.yml and the demo's variables (tests/demo/vars.yml, with
bench/site_vars.yml on top: a macvlan network whose slices fit 30 hosts), then times, alternating,
REPEAT times after a warm-up pair: ``ansible docker_hosts -m ping`` (one module round trip per host)
and the same site.yml run again, which must change nothing. Prints the medians, their ratio, the
machine load before and after, and the module round trips each host made in the no-op run (counted
by bench/callback_plugins/module_calls.py). Leaves the fleet converged. Not part of make test.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
BIN = os.path.dirname(sys.executable)
# Issue 28's target: a no-op site run within 3x one ping task.
TARGET = 3.0


def timed(argv, env, expect_no_change=False):
    started = time.time()
    done = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, check=False)
    took = time.time() - started
    if done.returncode != 0:
        sys.exit('bench_site: %s failed:\n%s' % (' '.join(argv[:3]), done.stdout[-3000:]))
    if expect_no_change and any('changed=' in line and 'changed=0' not in line for line in done.stdout.splitlines()):
        sys.exit('bench_site: the site run changed something, so it is no no-op:\n%s' % done.stdout[-3000:])
    return took


def load():
    with open('/proc/loadavg') as handle:
        return handle.read().split()[0]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n', maxsplit=1)[0])
    parser.add_argument('inventory')
    parser.add_argument('--repeat', type=int, default=3)
    args = parser.parse_args()
    calls_file = tempfile.NamedTemporaryFile(suffix='.json', delete=False).name
    env = dict(os.environ, ANSIBLE_CALLBACK_PLUGINS=os.path.join(HERE, 'callback_plugins'),
               ANSIBLE_CALLBACKS_ENABLED='module_calls', FLEETNET_MODULE_CALLS=calls_file)
    site = [os.path.join(BIN, 'ansible-playbook'), '-i', args.inventory, '-e', '@' + os.path.join(ROOT, 'tests/demo/vars.yml'),
            '-e', '@' + os.path.join(HERE, 'site_vars.yml'), os.path.join(ROOT, 'playbooks/site.yml')]
    ping = [os.path.join(BIN, 'ansible'), '-i', args.inventory, 'docker_hosts', '-m', 'ansible.builtin.ping']
    before = load()
    print('bench_site: converging the fleet (site.yml, first run)', flush=True)
    timed(site, env)
    timed(ping, env)
    timed(site, env, expect_no_change=True)  # the warm-up pair
    pings, noops = [], []
    for _round in range(args.repeat):
        pings.append(timed(ping, env))
        noops.append(timed(site, env, expect_no_change=True))
    with open(calls_file) as handle:
        calls = json.load(handle)
    os.unlink(calls_file)
    ping_median, noop_median = statistics.median(pings), statistics.median(noops)
    per_host = sorted(entry['calls'] for entry in calls.values())
    print('hosts: %d, rounds: %d, load before/after: %s / %s' % (len(calls), args.repeat, before, load()))
    print('ping:         median %.2f s  %s' % (ping_median, ' '.join('%.2f' % value for value in pings)))
    print('no-op site:   median %.2f s  %s  = %.1fx ping (target %.1fx)'
          % (noop_median, ' '.join('%.2f' % value for value in noops), noop_median / ping_median, TARGET))
    print('module round trips per host in a no-op site run: min %d, median %d, max %d'
          % (per_host[0], statistics.median(per_host), per_host[-1]))
    busiest = max(calls, key=lambda host: calls[host]['calls'])
    print('%s (%d): %s' % (busiest, calls[busiest]['calls'], '; '.join(calls[busiest]['tasks'])))


if __name__ == '__main__':
    main()
