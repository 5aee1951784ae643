# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the fleet report (documented in the .yml files next to this one).

``fleet_report``: the report document (report.json) from what every host gathered, plus probe results.
``report_markdown``, ``report_dot``, ``report_html``: the renderings. The logic lives in module_utils/_report/.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.fleetnet.docker.plugins.module_utils._report.graph import render_dot
from ansible_collections.fleetnet.docker.plugins.module_utils._report.markdown import render_markdown
from ansible_collections.fleetnet.docker.plugins.module_utils._report.model import build_report
from ansible_collections.fleetnet.docker.plugins.module_utils._report.page import render_html


def _plain(value):
    """Ansible's wrapped strings, lists and dicts as plain Python values."""
    if isinstance(value, dict):
        return dict((u'%s' % (key,), _plain(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    if isinstance(value, str):
        return u'%s' % (value,)
    return value


def fleet_report(hosts, expected_hosts=None, probe_results=None, probe_networks=None, probed=True,
                 not_probed_reason=None, generated=None):
    hosts = _plain(hosts)
    if not isinstance(hosts, list) or any(not isinstance(entry, dict) or 'host' not in entry for entry in hosts):
        raise AnsibleFilterError('fleet_report: the input must be a list of {host, engine, swarm, networks} entries, '
                                 'one per host')
    return build_report(hosts, expected_hosts=_plain(expected_hosts), probe_results=_plain(probe_results),
                        probe_networks=_plain(probe_networks), probed=bool(probed),
                        not_probed_reason=not_probed_reason, generated=generated)


def report_markdown(report):
    return render_markdown(_plain(report))


def report_dot(report):
    return render_dot(_plain(report))


def report_html(report, svg=None, diagram_note=None):
    return render_html(_plain(report), svg=svg, diagram_note=diagram_note)


class FilterModule(object):
    def filters(self):
        return {
            'fleet_report': fleet_report,
            'report_markdown': report_markdown,
            'report_dot': report_dot,
            'report_html': report_html,
        }
