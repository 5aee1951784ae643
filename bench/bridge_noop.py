# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How much a no-op bridge_networks run of 20 networks costs compared with ansible.builtin.ping.

    bench/bridge_noop.py INVENTORY [--repeat 5]

Creates 20 bridge networks (it-bench-00..19, 10.92.200-219.0/24) on every host of the
docker_hosts group once, then, in one playbook run, times alternating `ping` and no-op
`bridge_networks` tasks by wall-clock marks taken between the tasks, and prints the medians and
their ratio (target: at most 1.5). Removes the networks at the end. Not part of make test.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
NETWORKS = [dict(name='it-bench-%02d' % index, subnets=[dict(subnet='10.92.%d.0/24' % (200 + index))])
            for index in range(20)]

PLAYBOOK = """
- hosts: docker_hosts
  gather_facts: false
  vars:
    networks: %(networks)s
  tasks:
    - name: setup
      fleetnet.docker.bridge_networks: {config: "{{ networks }}"}
%(timed)s
    - name: report
      ansible.builtin.debug:
        msg: "BENCH {{ marks | to_json }}"
      run_once: true
    - name: cleanup
      fleetnet.docker.bridge_networks: {state: deleted, config: "{{ networks }}"}
"""
# Wall-clock marks between tasks: with the linear strategy a task ends when the slowest host is done.
MARK = """
    - ansible.builtin.set_fact:
        marks: "{{ (marks | default([])) + [now(utc=true).timestamp()] }}"
      run_once: true
"""
TIMED = MARK + """
    - name: ping-%(n)d
      ansible.builtin.ping:
""" + MARK + """
    - name: noop-%(n)d
      fleetnet.docker.bridge_networks: {config: "{{ networks }}"}
      register: noop_%(n)d
      failed_when: noop_%(n)d is changed
"""


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('inventory')
    parser.add_argument('--repeat', type=int, default=5)
    args = parser.parse_args()
    # One warm-up pair first: the first task to a host also pays for opening the SSH master connection.
    timed = ''.join(TIMED % dict(n=n) for n in range(args.repeat + 1)) + MARK
    with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as handle:
        handle.write(PLAYBOOK % dict(networks=json.dumps(NETWORKS), timed=timed))
        playbook = handle.name
    env = dict(os.environ,
               ANSIBLE_COLLECTIONS_PATH=os.environ.get('ANSIBLE_COLLECTIONS_PATH', os.path.join(ROOT, 'build', 'collections')),
               ANSIBLE_CONFIG=os.environ.get('ANSIBLE_CONFIG', os.path.join(ROOT, 'tests', 'ansible.cfg')))
    playbook_bin = os.path.join(ROOT, '.venv', 'bin', 'ansible-playbook')
    result = subprocess.run([playbook_bin, '-i', args.inventory, playbook], env=env, capture_output=True, text=True, check=False)
    os.unlink(playbook)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-2000:])
        return 1
    line = [text for text in result.stdout.splitlines() if '"BENCH ' in text][0]
    marks = json.loads(line.split('"BENCH ', 1)[1].rstrip('"').replace('\\"', '"'))
    steps = [later - earlier for earlier, later in zip(marks, marks[1:])]
    # steps alternate ping, no-op; the first pair is the warm-up.
    ping = steps[2::2]
    noop = steps[3::2]
    ping_median, noop_median = statistics.median(ping), statistics.median(noop)
    print('networks per host: %d, repetitions: %d' % (len(NETWORKS), args.repeat))
    print('ansible.builtin.ping          median %.3fs  (%s)' % (ping_median, ', '.join('%.3f' % s for s in ping)))
    print('bridge_networks no-op         median %.3fs  (%s)' % (noop_median, ', '.join('%.3f' % s for s in noop)))
    print('ratio no-op / ping: %.2fx (target <= 1.5x)' % (noop_median / ping_median))
    return 0


if __name__ == '__main__':
    sys.exit(main())
