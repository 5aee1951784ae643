# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The version rules: releases against API versions, what a host's engine is, and the option table."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils import _engine_versions
from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import HostEngine


def host(api_version, engine_version, server_api=None):
    reads = []

    def read_version():
        reads.append(1)
        return dict(Version=engine_version, ApiVersion=server_api or api_version)
    engine = HostEngine(api_version, read_version)
    engine.reads = reads
    return engine


def test_api_versions_compare_as_numbers():
    assert _engine_versions.api_at_least('1.41', '1.9')
    assert not _engine_versions.api_at_least('1.9', '1.41')


def test_one_parser_reads_engine_api_and_package_versions():
    version_tuple = _engine_versions.version_tuple
    assert version_tuple('20.10.24+dfsg1') == (20, 10, 24)
    assert version_tuple('29.0.0-rc.1') == (29, 0, 0)
    assert version_tuple('1.41') == (1, 41)
    assert version_tuple('5.0.0b1') == (5, 0, 0)
    assert version_tuple('unknown') == () and version_tuple(None) == ()
    assert _engine_versions.engine_at_least('28.10.0', '28.2')
    assert not _engine_versions.engine_at_least('', '20.10')


def test_every_release_in_the_rules_has_an_api_version():
    assert set(_engine_versions.RULES.values()) <= set(_engine_versions.ENGINE_API_VERSIONS)


def test_a_value_rule_is_asked_before_its_option_s():
    assert _engine_versions.release_of('gateway_mode_ipv4', 'isolated') == '28.0'
    assert _engine_versions.release_of('gateway_mode_ipv4', 'routed') == '27.0'


def test_a_new_enough_engine_is_never_asked_for_its_version():
    engine = host('1.51', '28.5.2')
    assert engine.option_problem('gateway_mode_ipv4', 'isolated') is None
    assert engine.reads == []


def test_the_release_of_the_host_is_read_once_and_without_the_distribution_s_build():
    engine = host('1.41', '20.10.24+dfsg1')
    assert engine.problem('gateway_mode_ipv4', '27.0') == (
        'gateway_mode_ipv4 needs Docker Engine 27.0 (API 1.46) or later; this host runs 20.10.24 (API 1.41)')
    engine.problem('gateway_mode_ipv6', '27.0')
    assert engine.reads == [1]


def test_an_option_the_engine_lacks_is_named_alone_and_a_later_value_by_its_value():
    assert host('1.41', '20.10.24').option_problem('gateway_mode_ipv4', 'isolated') == (
        'needs Docker Engine 27.0 (API 1.46) or later; this host runs 20.10.24 (API 1.41)')
    assert host('1.47', '27.5.1').option_problem('gateway_mode_ipv6', 'isolated') == (
        '"isolated" needs Docker Engine 28.0 (API 1.48) or later; this host runs 27.5.1 (API 1.47)')
    assert host('1.47', '27.5.1').option_problem('gateway_mode_ipv6', 'routed') is None


def test_a_pinned_older_api_version_is_named():
    engine = host('1.41', '28.5.2', server_api='1.51')
    assert engine.problem('gw_priority', '28.0') == (
        'gw_priority needs Docker Engine 28.0 (API 1.48) or later; this host runs 28.5.2 (API 1.51), '
        'but the connection uses API 1.41 (api_version)')


def test_an_option_without_a_rule_works_everywhere():
    assert _engine_versions.release_of('mtu', 1400) is None
    assert host('1.41', '20.10.24').option_problem('mtu', 1400) is None


def page(name):
    import os
    with open(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..', 'docs', name)) as handle:
        return handle.read()


def documented_releases():
    """{rule: (release, API version)} from the tables of docs/engine_versions.md."""
    import re
    text = page('engine_versions.md')
    rows = re.findall(r'^\| `([a-z0-9_\[\].]+(?:: [a-z-]+)?)`(?: with `([a-z0-9.]+)`)? \|(?: [^|]+ \|)? ([0-9.]+) \(API ([0-9.]+)\) \|',
                      text, re.M)
    documented = dict(('%s: %s' % (option, key) if key else option, (release, api)) for option, key, release, api in rows)
    for option in ('data_path_addr', 'default_addr_pool', 'subnet_size', 'data_path_port'):
        documented['swarm ' + option] = documented.pop(option)
    shared = re.search(r'Several macvlan networks on one parent interface: from Engine ([0-9.]+)', text).group(1)
    documented['macvlan networks on one parent'] = (shared, _engine_versions.ENGINE_API_VERSIONS[shared])
    applied = re.search(r'`mac_address` is applied on connect from Engine ([0-9.]+) \(API ([0-9.]+)[;)]', text)
    documented['containers[].mac_address applied on connect'] = applied.groups()
    return documented


def documented_daemon_releases():
    """{rule: release} from the table of daemon.json keys in docs/daemon_network.md."""
    import re
    text = page('daemon_network.md')
    documented = dict(('daemon.json ' + key, release)
                      for key, release in re.findall(r'^\| `[a-z0-9_]+` \| `([a-z0-9-]+)` \| [^|]+ \| ([0-9.]+)\+ \|', text, re.M))
    documented['dockerd --validate'] = re.search(r'`dockerd --validate` \(used below\) is in ([0-9.]+)\+', text).group(1)
    return documented


def test_the_docs_list_every_rule_with_its_release_and_api_version():
    documented = documented_releases()
    daemon = documented_daemon_releases()
    for rule, release in _engine_versions.RULES.items():
        if rule.startswith('daemon.json ') or rule == 'dockerd --validate':
            assert daemon.get(rule) == release, rule
        else:
            assert documented.get(rule) == (release, _engine_versions.ENGINE_API_VERSIONS[release]), rule
    # And nothing documented that the rules do not say.
    assert set(documented) | set(daemon) == set(_engine_versions.RULES)


def test_the_ipsec_key_index_side_of_each_release():
    from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import ipsec_key_index_side
    assert [ipsec_key_index_side(version) for version in ('28.5.2', '29.0.0', '29.1.3+dfsg1', '29.2.0', '29.2.1', '29.7.2')] == [
        'usual', 'moby#51798', 'moby#51798', 'moby#51798', 'usual', 'usual']
