# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Short texts shared by the Markdown and HTML renderings."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def cell_text(outcome):
    """One way (by address or by name) of one matrix cell, in a few words."""
    if outcome['status'] == 'pass':
        if outcome['latency_ms'] is None:
            return 'pass'
        return 'pass %.2f ms' % outcome['latency_ms']
    if outcome['status'] == 'fail':
        return 'FAIL: %s' % (outcome['error'] or 'no answer')
    return 'skipped: %s' % (outcome['reason'] or 'no reason given')


def subnet_text(network):
    parts = []
    for subnet in network['subnets']:
        text = subnet['subnet'] or '?'
        if subnet['ip_range']:
            text += ' (range %s)' % subnet['ip_range']
        parts.append(text)
    return ', '.join(parts) or '-'


def container_text(container):
    addresses = [address for address in (container['ipv4_address'], container['ipv6_address']) if address]
    text = container['name']
    if addresses:
        text += ' ' + '/'.join(addresses)
    if container['aliases']:
        text += ' (aliases: %s)' % ', '.join(container['aliases'])
    return text


def engine_text(host):
    engine = host['engine']
    return 'Docker %s (API %s)' % (engine.get('version') or '?', engine.get('api_version') or '?')


def cell_for(entry, source, target):
    for cell in entry['cells']:
        if cell['source'] == source and cell['target'] == target:
            return cell
    return None


def shared_name_reason(entry):
    """The one reason every by-name ping of a matrix entry was skipped for, if there is one (said once, not per cell)."""
    reasons = set(cell['by_name']['reason'] if cell['by_name']['status'] == 'skipped' else None for cell in entry['cells'])
    return reasons.pop() if len(reasons) == 1 else None
