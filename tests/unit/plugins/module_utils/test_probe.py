# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The probe's pure parts: names, what ping said (busybox output recorded in the sandbox fleet), refusals."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils._probe import (
    PROBE_LABEL, ProbeRunner, dns_across_hosts, ping_outcome, probe_name, why_not_probed)
from ansible_collections.fleetnet.docker.plugins.module_utils._problems import ModuleFailure
from ansible_collections.fleetnet.docker.tests.unit.fake_docker import FakeDocker, container, docker_network

PASSED = '''PING 10.240.1.1 (10.240.1.1): 56 data bytes
64 bytes from 10.240.1.1: seq=0 ttl=64 time=0.424 ms
64 bytes from 10.240.1.1: seq=1 ttl=64 time=0.064 ms

--- 10.240.1.1 ping statistics ---
2 packets transmitted, 2 packets received, 0% packet loss
round-trip min/avg/max = 0.064/0.244/0.424 ms
'''
LOST = '''PING 10.240.1.77 (10.240.1.77): 56 data bytes

--- 10.240.1.77 ping statistics ---
2 packets transmitted, 0 packets received, 100% packet loss
'''
LINK_DOWN = 'PING 10.240.1.1 (10.240.1.1): 56 data bytes\nping: sendto: Network is unreachable\n'
NO_NAME = "ping: bad address 'nosuchname'\n"
IPUTILS = '''2 packets transmitted, 2 received, 0% packet loss, time 1001ms
rtt min/avg/max/mdev = 0.050/0.075/0.100/0.025 ms
'''


def test_a_pass_with_its_average_latency():
    assert ping_outcome(0, PASSED) == ('pass', 0.244, None)
    assert ping_outcome(0, IPUTILS) == ('pass', 0.075, None)


def test_failures_say_what_ping_said():
    assert ping_outcome(1, LOST) == ('fail', None, '0 of 2 packets answered')
    assert ping_outcome(1, LINK_DOWN) == ('fail', None, 'ping: sendto: Network is unreachable')
    assert ping_outcome(1, NO_NAME) == ('fail', None, "ping: bad address 'nosuchname'")
    assert ping_outcome(2, '') == ('fail', None, 'no answer, and ping said nothing more (exit code 2)')
    # Only the header line: ping's own reason never arrived; the header is no reason.
    assert ping_outcome(1, LINK_DOWN.splitlines()[0]) == ('fail', None, 'no answer, and ping said nothing more (exit code 1)')


def test_partial_loss_is_a_failure_with_the_count():
    partial = PASSED.replace('2 packets received, 0%', '1 packets received, 50%')
    assert ping_outcome(1, partial) == ('fail', 0.244, '1 of 2 packets answered')


def test_probe_names_are_container_and_dns_safe():
    assert probe_name('fleetnet-probe', 'demo-lan', 'h1') == 'fleetnet-probe-demo-lan-h1'
    assert probe_name('p', 'a net/with:odd', 'web.example.com') == 'p-a-net-with-odd-web.example.com'


def test_why_a_network_takes_no_probe():
    overlay = dict(Name='ov', Driver='overlay', Scope='swarm', Attachable=False)
    assert 'not attachable' in why_not_probed(overlay, 'ov', True)
    assert why_not_probed(dict(overlay, Attachable=True), 'ov', True) is None
    assert 'routing mesh' in why_not_probed(dict(overlay, Ingress=True), 'ingress', True)
    assert why_not_probed(None, 'ov', swarm_active=True) is None  # a worker lists it once a container uses it
    assert why_not_probed(None, 'lan', swarm_active=False) == 'network "lan" does not exist on this host'
    assert 'config-only' in why_not_probed(dict(Name='c', Driver='null', ConfigOnly=True), 'c', False)
    assert 'host network' in why_not_probed(dict(Name='host', Driver='host', Scope='local'), 'host', False)


def test_names_resolve_across_hosts_only_on_swarm_overlays():
    assert dns_across_hosts(dict(Driver='overlay', Scope='swarm')) == (True, None)
    dns, reason = dns_across_hosts(dict(Driver='macvlan', Scope='local'))
    assert dns is False and 'macvlan' in reason
    assert dns_across_hosts(None)[0] is False


# ---- ProbeRunner's three steps, on the shared fake daemon ----

IMAGE = 'fleetnet-probe:1'


def probe_daemon(images=(IMAGE,), swarm=None, **fields):
    lan = docker_network('lan', subnets=['10.240.1.0/24'])
    overlay = docker_network('ov', driver='overlay', scope='swarm', Attachable=True)
    fake = FakeDocker(networks=[lan, overlay], images=images, swarm=swarm, **fields)
    return fake


def runner(fake, check_mode=False, **params):
    values = dict(host=None, name_prefix='fleetnet-probe', image=IMAGE, pull=False, networks=['lan'], lifetime=600,
                  targets=[], count=2, ping_timeout=2)
    values.update(params)
    return ProbeRunner(fake, values, check_mode)


def test_present_starts_one_labelled_probe_per_network_with_its_address():
    fake = probe_daemon()
    result = runner(fake, networks=['lan', 'missing', 'ov']).present()
    assert result['changed'] and result['actions'] == ['start probe fleetnet-probe-lan-h1 on lan',
                                                       'start probe fleetnet-probe-ov-h1 on ov']
    lan, missing, overlay = result['probes']
    assert (lan['status'], lan['address'], lan['dns']) == ('started', '10.255.0.2', False)
    assert missing['status'] == 'skipped' and missing['reason'] == 'network "missing" does not exist on this host'
    assert overlay['status'] == 'started' and overlay['dns'] is True
    started = fake.container('fleetnet-probe-lan-h1')
    assert started['Config']['Labels'] == {PROBE_LABEL: 'h1', PROBE_LABEL + '.network': 'lan'}


def test_present_in_check_mode_plans_and_starts_nothing():
    fake = probe_daemon()
    result = runner(fake, check_mode=True).present()
    assert result['changed'] and result['probes'][0]['status'] == 'planned'
    assert fake.writes() == []


def test_a_missing_image_fails_before_anything_starts_unless_pull_is_on():
    fake = probe_daemon(images=())
    with pytest.raises(ModuleFailure) as failed:
        runner(fake).present()
    assert str(failed.value) == ('probe on h1: image "fleetnet-probe:1" is not on the host, and pull is false: '
                                 'load it there (docker load) or set pull: true')
    assert fake.writes() == []
    result = runner(fake, pull=True).present()
    assert result['actions'][0] == 'pulled image fleetnet-probe:1'
    assert fake.writes()[0] == ('pull_image', 'fleetnet-probe', '1')
    assert runner(probe_daemon(images=()), pull=True, check_mode=True).present()['actions'][0] == 'pull image fleetnet-probe:1'


def test_an_image_read_the_daemon_refuses_fails_with_its_reason():
    fake = probe_daemon()
    fake.fail('inspect_image', 'permission denied')
    with pytest.raises(ModuleFailure) as failed:
        runner(fake).present()
    assert str(failed.value) == 'probe on h1: reading image "fleetnet-probe:1" failed: permission denied'


def test_a_probe_docker_refuses_fails_alone_and_is_removed():
    fake = probe_daemon()
    fake.fail('run_container', 'network lan not found on this node')
    result = runner(fake).present()
    probe = result['probes'][0]
    assert probe['status'] == 'failed' and probe['reason'] == 'starting the probe failed: network lan not found on this node'
    assert fake.containers == []


def started_targets(fake):
    """What state=present returned on h1, and a peer h2's probe at 10.240.1.9."""
    own = runner(fake).present()['probes'][0]
    peer = dict(own, host='h2', container='fleetnet-probe-lan-h2', address='10.240.1.9')
    return [own, peer]


def test_pinged_pings_the_peer_by_address_and_reports_latency():
    fake = probe_daemon(exec_results={'10.240.1.9': (PASSED.encode(), 0)})
    targets = started_targets(fake)
    result = runner(fake, targets=targets).pinged()
    by_address, by_name = result['results']
    assert (by_address['status'], by_address['latency_ms'], by_address['destination']) == ('pass', 0.244, '10.240.1.9')
    assert by_name['status'] == 'skipped' and 'same host' in by_name['reason']
    assert fake.writes()[-1] == ('exec_in', 'fleetnet-probe-lan-h1', '10.240.1.9')


def test_pinged_reports_a_lost_ping_and_an_exec_docker_refuses():
    fake = probe_daemon(exec_results={'10.240.1.9': (LOST.encode(), 1)})
    targets = started_targets(fake)
    assert runner(fake, targets=targets).pinged()['results'][0]['error'] == '0 of 2 packets answered'
    fake.fail('exec_in', 'container is not running')
    failed = runner(fake, targets=targets).pinged()['results'][0]
    assert failed['status'] == 'fail' and failed['error'] == ('running ping in fleetnet-probe-lan-h1 failed: '
                                                              'container is not running')


def test_pinged_says_why_a_pair_is_not_pinged():
    fake = probe_daemon()
    own, peer = started_targets(fake)
    cases = [
        (dict(peer, status='failed', reason='no such network'), 'fail',
         'the probe on h2 could not join the network: no such network'),
        (dict(peer, status='skipped', reason='a config-only network carries no traffic'), 'skipped',
         'the probe on h2 did not start: a config-only network carries no traffic'),
        (dict(peer, address=None, ipv6_address=None), 'skipped', 'the probe on h2 got no address'),
    ]
    for target, status, why in cases:
        result = runner(fake, targets=[own, target]).pinged()['results'][0]
        assert result['status'] == status and why in (result['error'] or result['reason'])
    assert runner(fake, check_mode=True, targets=[own, peer]).pinged()['results'][0]['reason'] == \
        'check mode: no probe was started'
    mine_failed = runner(fake, targets=[dict(own, status='failed', reason='refused'), peer]).pinged()['results'][0]
    assert mine_failed['error'] == 'the probe on h1 could not join the network: refused'
    fake.containers = []
    gone = runner(fake, targets=[own, peer]).pinged()['results'][0]
    assert gone['status'] == 'skipped' and gone['reason'] == 'no probe of this host on the network (not started)'


def test_a_target_without_network_or_host_fails():
    with pytest.raises(ModuleFailure) as failed:
        runner(probe_daemon(), targets=[dict(network='lan')]).pinged()
    assert str(failed.value) == ('probe on h1: every target needs network and host (the probes state=present '
                                 "returned); got ['network']")


def test_absent_removes_every_labelled_probe_and_nothing_else():
    fake = probe_daemon()
    fake.containers.append(container('web', labels={'app': 'web'}))
    runner(fake, networks=['lan', 'ov']).present()
    result = runner(fake).absent()
    assert result == dict(changed=True, removed=['fleetnet-probe-lan-h1', 'fleetnet-probe-ov-h1'],
                          actions=['remove probe fleetnet-probe-lan-h1', 'remove probe fleetnet-probe-ov-h1'])
    assert [item['Name'] for item in fake.containers] == ['/web']
    assert runner(fake).absent() == dict(changed=False, removed=[], actions=[])


def test_absent_in_check_mode_lists_and_removes_nothing():
    fake = probe_daemon()
    runner(fake).present()
    result = runner(fake, check_mode=True).absent()
    assert result['removed'] == ['fleetnet-probe-lan-h1'] and len(fake.containers) == 1


def test_absent_fails_on_a_removal_docker_refuses():
    fake = probe_daemon()
    runner(fake).present()
    fake.fail('remove_container', 'device or resource busy')
    with pytest.raises(ModuleFailure) as failed:
        runner(fake).absent()
    assert str(failed.value).startswith('probe on h1: removing probe container ') and \
        str(failed.value).endswith(' failed: device or resource busy')
