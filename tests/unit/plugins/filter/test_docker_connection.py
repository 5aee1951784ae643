# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""docker_connection: the fleetnet_docker_* variables of a host as module connection options."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
from ansible.errors import AnsibleFilterError

from ansible_collections.fleetnet.docker.plugins.filter.docker_connection import docker_connection


def test_each_variable_becomes_its_option_and_other_variables_stay_out():
    host_variables = {
        'fleetnet_docker_host': 'tcp://10.0.0.11:2376',
        'fleetnet_docker_validate_certs': True,
        'fleetnet_docker_ca_path': '/etc/docker-client/ca.pem',
        'fleetnet_docker_timeout': 30,
        'fleetnet_bridge_networks': [{'name': 'frontend'}],
        'ansible_host': '10.0.0.11',
    }
    assert docker_connection(host_variables) == {
        'docker_host': 'tcp://10.0.0.11:2376', 'validate_certs': True,
        'ca_path': '/etc/docker-client/ca.pem', 'timeout': 30}


def test_the_daemon_restart_command_is_no_connection_option_and_no_error():
    # The fleet's inventory (and users') set it for daemon_network next to the connection variables.
    assert docker_connection({'fleetnet_docker_restart_command': 'systemctl restart docker',
                              'fleetnet_docker_tls': True}) == {'tls': True}


def test_nothing_set_gives_no_options_so_the_environment_and_defaults_apply():
    assert docker_connection({'ansible_host': 'h1'}) == {}


def test_empty_values_unset_an_option():
    assert docker_connection({'fleetnet_docker_host': '', 'fleetnet_docker_tls_hostname': None,
                              'fleetnet_docker_tls': False}) == {'tls': False}


def test_a_misspelt_variable_is_an_error_that_lists_the_known_ones():
    with pytest.raises(AnsibleFilterError) as failure:
        docker_connection({'fleetnet_docker_hots': 'tcp://10.0.0.11:2376'})
    message = str(failure.value)
    assert 'fleetnet_docker_hots' in message
    assert 'fleetnet_docker_host, fleetnet_docker_tls, fleetnet_docker_validate_certs' in message


def test_something_that_is_not_a_host_variables_mapping_is_refused():
    with pytest.raises(AnsibleFilterError):
        docker_connection(42)
