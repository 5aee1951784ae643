# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The connectivity matrix: per spanning network, one cell per ordered pair of hosts (source pings target)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def _skipped(reason):
    return dict(status='skipped', destination=None, latency_ms=None, error=None, reason=reason)


def _outcome(result):
    return dict(status=result.get('status'), destination=result.get('destination'), latency_ms=result.get('latency_ms'),
                error=result.get('error'), reason=result.get('reason'))


def build_matrix(spanning, probe_results, not_probed_reason=None):
    """One entry per spanning network: its probed hosts and every (source, target) cell, by address and by name.

    ``probe_results`` are the ``results`` of fleetnet.docker.probe state=pinged from every host, or None
    when no probe ran (then every cell is skipped with ``not_probed_reason``).
    """
    index = {}
    for result in probe_results or []:
        index[(result.get('network'), result.get('source'), result.get('target'), result.get('by'))] = result
    matrix = []
    for span in spanning:
        hosts = span['probe_hosts'] if span['probe']['enabled'] else span['on_hosts']
        if probe_results is None and span['probe']['enabled']:
            reason = not_probed_reason or 'no probe ran'
        else:
            reason = span['probe']['reason']
        cells = []
        for source in hosts:
            for target in hosts:
                if source == target:
                    continue
                cell = dict(source=source, target=target)
                for way, by in (('by_address', 'address'), ('by_name', 'name')):
                    found = index.get((span['name'], source, target, by))
                    if reason:
                        cell[way] = _skipped(reason)
                    elif found:
                        cell[way] = _outcome(found)
                    else:
                        cell[way] = _skipped('no result: the probe on %s did not run' % source)
                cells.append(cell)
        matrix.append(dict(network=span['name'], key=span['key'], kind=span['kind'], hosts=hosts,
                           probed=reason is None, reason=reason, cells=cells))
    return matrix
