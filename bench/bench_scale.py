# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What bridge_networks costs at fleet scale, next to its floors, measured in one playbook run.

    bench/bench_scale.py INVENTORY [--networks 100] [--repeat 5] [--community]

On every host of the docker_hosts group, in one playbook run with wall-clock marks between tasks
(with the linear strategy a task ends when its slowest host is done):

- ``ansible.builtin.ping``: one module round trip per host, the floor of any module;
- the direct creates: the same NETWORKS bridge networks created by one Python process per host
  through the Docker SDK (one POST /networks/create each, nothing read back), the floor of a first
  converge; they are removed again (not timed);
- the first converge of ``bridge_networks`` (it must report a change);
- the no-op ``bridge_networks`` (nothing to change), alternating with ping, REPEAT times after a
  warm-up pair; the medians are compared;
- after the no-ops, the networks removed and the direct creates timed again: a daemon that has
  made and removed 100 networks creates them at another pace than a fresh one (seen: 156 s fresh
  against 192 s for the converge after it, Engine 20.10), so the converge is compared with the mean
  of the creates before and after it, and both are printed;
- with --community, and only when community.docker is installed on the controller, its
  docker_network module looped over the same networks (a no-op too).

Prints each time with its ratio against its floor, and the machine load (/proc/loadavg) before and
after: on a shared machine the ratios are what to compare. Removes the networks at the end.
Networks are it-scale-000.. with subnets 10.96.0.0/24 upwards. Not part of make test.
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
# Targets of issue 16.
NOOP_TARGET = 1.3
CONVERGE_TARGET = 1.2

# The floor of a first converge: what any client has to send, one request per network.
DIRECT_CREATE = r'''
import json, sys, docker
client = docker.APIClient(version="auto")
for network in json.loads(sys.argv[1]):
    pools = [docker.types.IPAMPool(subnet=entry["subnet"]) for entry in network["subnets"]]
    client.create_network(network["name"], driver="bridge", ipam=docker.types.IPAMConfig(pool_configs=pools))
'''
DIRECT_REMOVE = r'''
import json, sys, docker
client = docker.APIClient(version="auto")
for network in json.loads(sys.argv[1]):
    client.remove_network(network["name"])
'''

PLAYBOOK = """
- hosts: docker_hosts
  gather_facts: false
  vars:
    networks: %(networks)s
    node_python: "{{ ansible_python_interpreter | default('/usr/bin/python3') }}"
  tasks:
    - name: nothing left from an earlier run
      fleetnet.docker.bridge_networks: {state: deleted, config: "{{ networks }}"}
    - name: warm-up (opens the SSH connections)
      ansible.builtin.ping:
%(timed)s
    - name: report
      ansible.builtin.debug:
        msg: "BENCH {{ dict(marks=marks, hosts=ansible_play_hosts | length) | to_json }}"
      run_once: true
    - name: cleanup
      fleetnet.docker.bridge_networks: {state: deleted, config: "{{ networks }}"}
"""
MARK = """
    - ansible.builtin.set_fact:
        marks: "{{ (marks | default([])) + [['%s', now(utc=true).timestamp()]] }}"
      run_once: true
"""
PING = """
    - ansible.builtin.ping:
"""
DIRECT = """
    - name: %(what)s
      ansible.builtin.command:
        argv: ["{{ node_python }}", "-c", %(code)s, "{{ networks | to_json }}"]
      changed_when: true
"""
DIRECT_CREATES = DIRECT % dict(what='direct creates', code=json.dumps(DIRECT_CREATE))
DIRECT_REMOVES = DIRECT % dict(what='direct removes', code=json.dumps(DIRECT_REMOVE))
CONVERGE = """
    - name: first converge
      fleetnet.docker.bridge_networks: {config: "{{ networks }}"}
      register: converge
      failed_when: converge is failed or converge is not changed
"""
NOOP = """
    - name: no-op
      fleetnet.docker.bridge_networks: {config: "{{ networks }}"}
      register: noop
      failed_when: noop is failed or noop is changed
"""
COMMUNITY = """
    - name: community.docker.docker_network, one task per network
      community.docker.docker_network:
        name: "{{ item.name }}"
        driver: bridge
        ipam_config: "{{ item.subnets }}"
      loop: "{{ networks }}"
"""


def networks(count):
    return [dict(name='it-scale-%03d' % index, subnets=[dict(subnet='10.%d.%d.0/24' % (96 + index // 256, index % 256))])
            for index in range(count)]


def community_installed(env):
    result = subprocess.run([os.path.join(ROOT, '.venv', 'bin', 'ansible-doc'), '-t', 'module', '--json',
                             'community.docker.docker_network'], env=env, capture_output=True, text=True, check=False)
    return result.returncode == 0 and 'docker_network' in result.stdout


def timed_tasks(repeat, community):
    """Tasks between marks: each mark is named after the task it ends."""
    tasks = [MARK % 'start', PING, MARK % 'ping',
             DIRECT_CREATES, MARK % 'direct', DIRECT_REMOVES, MARK % 'untimed',
             CONVERGE, MARK % 'converge']
    # One warm-up pair, not counted: the first module run after the creates pays for cold caches.
    for _pair in range(repeat + 1):
        tasks += [PING, MARK % 'ping', NOOP, MARK % 'noop']
    # The creates again, on a daemon that has made and removed them: the floor's other side.
    tasks += [DIRECT_REMOVES, MARK % 'untimed', DIRECT_CREATES, MARK % 'direct']
    if community:
        tasks += [COMMUNITY, MARK % 'community']
    return ''.join(tasks)


def durations(marks):
    """{name: [seconds, ...]} from [[name, timestamp], ...], each name the task that ended there."""
    found = {}
    for (_earlier, start), (name, end) in zip(marks, marks[1:]):
        found.setdefault(name, []).append(end - start)
    return found


def loadavg():
    with open('/proc/loadavg') as handle:
        return ' '.join(handle.read().split()[:3])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('inventory')
    parser.add_argument('--networks', type=int, default=100)
    parser.add_argument('--repeat', type=int, default=5)
    parser.add_argument('--community', action='store_true', help='also time community.docker.docker_network')
    args = parser.parse_args()
    env = dict(os.environ,
               ANSIBLE_COLLECTIONS_PATH=os.environ.get('ANSIBLE_COLLECTIONS_PATH', os.path.join(ROOT, 'build', 'collections')),
               ANSIBLE_CONFIG=os.environ.get('ANSIBLE_CONFIG', os.path.join(ROOT, 'tests', 'ansible.cfg')))
    community = args.community and community_installed(env)
    if args.community and not community:
        print('community.docker is not installed on the controller: docker_network not timed')
    with tempfile.NamedTemporaryFile('w', suffix='.yml', delete=False) as handle:
        handle.write(PLAYBOOK % dict(networks=json.dumps(networks(args.networks)),
                                     timed=timed_tasks(args.repeat, community)))
        playbook = handle.name
    load_before = loadavg()
    result = subprocess.run([os.path.join(ROOT, '.venv', 'bin', 'ansible-playbook'), '-i', args.inventory, playbook],
                            env=env, capture_output=True, text=True, check=False)
    load_after = loadavg()
    os.unlink(playbook)
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-6000:] + result.stderr[-2000:])
        return 1
    line = [text for text in result.stdout.splitlines() if '"BENCH ' in text][0]
    report = json.loads(line.split('"BENCH ', 1)[1].rstrip('"').replace('\\"', '"'))
    hosts, taken = report['hosts'], durations(report['marks'])
    ping = statistics.median(taken['ping'][2:])      # the first is a floor of its own, the second the warm-up's
    noop = statistics.median(taken['noop'][1:])
    # The creates before and after the converge (see the docstring): their mean is the floor.
    direct, converge = statistics.mean(taken['direct']), taken['converge'][0]
    print('%d hosts x %d networks, no-op repeated %d times; load average before %s, after %s'
          % (hosts, args.networks, args.repeat, load_before, load_after))
    print('ansible.builtin.ping                 median %7.2fs  (%s)' % (ping, ', '.join('%.2f' % s for s in taken['ping'][2:])))
    print('bridge_networks no-op                median %7.2fs  (%s)  %.2fx ping (target <= %.1fx)'
          % (noop, ', '.join('%.2f' % s for s in taken['noop'][1:]), noop / ping, NOOP_TARGET))
    print('direct creates (Docker SDK, 1 process/host) %7.2fs  %.2fx ping  (mean of %s: before and after the converge)'
          % (direct, direct / ping, ', '.join('%.2f' % s for s in taken['direct'])))
    print('bridge_networks first converge              %7.2fs  %.2fx the direct creates (target <= %.1fx)'
          % (converge, converge / direct, CONVERGE_TARGET))
    if community:
        print('community.docker.docker_network loop        %7.2fs  %.1fx ping' % (taken['community'][0], taken['community'][0] / ping))
    return 0


if __name__ == '__main__':
    sys.exit(main())
