# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The report's data model from the demo fleet's real gathered data: hosts, networks, spans, matrix."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.fleetnet.docker.plugins.module_utils._report.model import SCHEMA_VERSION, build_report


def spans_by_name(report):
    return dict((span['name'], span) for span in report['spanning'])


def test_every_network_of_every_host_is_listed(fleet):
    report = build_report(fleet)
    assert [host['name'] for host in report['hosts']] == ['h1', 'h2', 'h3']
    for entry in fleet:
        listed = sorted(network['name'] for network in report['networks'] if network['host'] == entry['host'])
        assert listed == sorted(network['name'] for network in entry['networks'])
    assert report['schema'] == 'fleetnet.docker/report' and report['schema_version'] == SCHEMA_VERSION


def test_hosts_carry_engine_swarm_role_and_esp(fleet):
    hosts = dict((host['name'], host) for host in build_report(fleet)['hosts'])
    assert hosts['h1']['engine']['api_version'] == '1.41'
    assert hosts['h1']['engine']['version'].startswith('20.10')
    assert hosts['h1']['swarm']['role'] == 'manager'
    assert hosts['h2']['swarm']['role'] == 'worker'
    # The sandbox kernel has no ESP; the fixture recorded the kernel's refusal.
    assert hosts['h3']['esp']['available'] is False and hosts['h3']['esp']['reason']


def test_spanning_networks_of_the_demo(fleet):
    spans = spans_by_name(build_report(fleet))
    assert sorted(spans) == ['demo-lan', 'demo-overlay', 'ingress']
    lan = spans['demo-lan']
    assert lan['kind'] == 'lan' and lan['on_hosts'] == ['h1', 'h2', 'h3'] and lan['probe']['enabled']
    assert len(set(tuple(ranges) for ranges in lan['slices'].values())) == 3  # each host its own slice
    assert lan['dns'] is False and 'same host' in lan['dns_reason']
    overlay = spans['demo-overlay']
    # Workers list the overlay only once a container uses it; every live swarm node can still run a probe.
    assert overlay['on_hosts'] == ['h1'] and overlay['probe_hosts'] == ['h1', 'h2', 'h3'] and overlay['dns'] is True
    assert spans['ingress']['probe'] == dict(enabled=False, reason=spans['ingress']['probe']['reason'])
    assert 'routing mesh' in spans['ingress']['probe']['reason']


def test_local_bridges_with_the_same_name_do_not_span(fleet):
    report = build_report(fleet)
    frontends = [network for network in report['networks'] if network['name'] == 'demo-frontend']
    assert len(frontends) == 3 and all(network['span'] is None for network in frontends)


def test_attachments_keep_addresses_and_aliases(fleet):
    report = build_report(fleet)
    web = [container for network in report['networks'] if network['host'] == 'h1' and network['name'] == 'demo-frontend'
           for container in network['containers']]
    assert len(web) == 1 and web[0]['name'] == 'capture-web' and 'web' in web[0]['aliases']
    assert web[0]['ipv4_address'].startswith('10.240.1.')


def test_the_demo_fleet_has_no_problems(fleet):
    assert build_report(fleet)['problems'] == []


def test_join_tokens_never_reach_the_report(fleet, on_host):
    on_host('h1')['swarm']['join_tokens'] = dict(worker='SWMTKN-1-secret-worker', manager='SWMTKN-1-secret-manager')
    text = json.dumps(build_report(fleet))
    assert 'SWMTKN' not in text and 'join_tokens' not in text


def test_a_list_of_networks_limits_the_probes(fleet):
    spans = spans_by_name(build_report(fleet, probe_networks=['demo-overlay']))
    assert spans['demo-overlay']['probe']['enabled']
    assert spans['demo-lan']['probe'] == dict(enabled=False, reason='not in the list of networks to probe')


def test_a_down_node_runs_no_probe(fleet, on_host):
    nodes = on_host('h1')['swarm']['nodes']
    next(node for node in nodes if node['hostname'] == 'h3')['status'] = 'down'
    assert spans_by_name(build_report(fleet))['demo-overlay']['probe_hosts'] == ['h1', 'h2']


def test_matrix_from_probe_results(fleet):
    results = []
    for source in ('h1', 'h2', 'h3'):
        for target in ('h1', 'h2', 'h3'):
            if source != target:
                results.append(dict(network='demo-overlay', source=source, target=target, by='address',
                                    destination='10.240.10.9', status='pass', latency_ms=0.2, error=None, reason=None))
                failed = target == 'h3'
                results.append(dict(network='demo-overlay', source=source, target=target, by='name',
                                    destination='fleetnet-probe-demo-overlay-' + target,
                                    status='fail' if failed else 'pass', latency_ms=None if failed else 0.3,
                                    error='0 of 2 packets answered' if failed else None, reason=None))
    report = build_report(fleet, probe_results=results)
    overlay = next(entry for entry in report['matrix'] if entry['network'] == 'demo-overlay')
    assert overlay['probed'] and overlay['hosts'] == ['h1', 'h2', 'h3'] and len(overlay['cells']) == 6
    cell = next(cell for cell in overlay['cells'] if cell['source'] == 'h1' and cell['target'] == 'h3')
    assert cell['by_address']['status'] == 'pass' and cell['by_address']['latency_ms'] == 0.2
    assert cell['by_name'] == dict(status='fail', destination='fleetnet-probe-demo-overlay-h3', latency_ms=None,
                                   error='0 of 2 packets answered', reason=None)
    # demo-lan had no results at all: each of its cells says so, none passes.
    lan = next(entry for entry in report['matrix'] if entry['network'] == 'demo-lan')
    assert all(cell['by_address']['status'] == 'skipped' and 'did not run' in cell['by_address']['reason']
               for cell in lan['cells'])
    # Skipped: demo-lan's 6 cells and ingress's 6 (not probeable), each by address and by name.
    assert report['summary']['pairs'] == dict(passed=6 + 4, failed=2, skipped=12 + 12)


def test_no_probe_run_skips_every_cell_with_the_reason(fleet):
    report = build_report(fleet, probed=False, not_probed_reason='check mode')
    cells = [cell for entry in report['matrix'] for cell in entry['cells']]
    assert cells and all(cell['by_address'] == dict(status='skipped', destination=None, latency_ms=None, error=None,
                                                    reason='check mode') or 'routing mesh' in cell['by_address']['reason']
                         for cell in cells)
    assert report['summary']['pairs']['passed'] == 0
