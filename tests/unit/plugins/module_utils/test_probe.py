# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The probe's pure parts: names, what ping said (busybox output recorded in the sandbox fleet), refusals."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._probe import (
    dns_across_hosts, ping_outcome, probe_name, why_not_probed)

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
