# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""report.md: the report as Markdown, for a pipeline's log or a pull request comment."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.fleetnet.docker.plugins.module_utils._report.cells import (
    cell_for, cell_text, container_text, engine_text, shared_name_reason, subnet_text)


def _escape(text):
    return u'%s' % (text,) if text is not None else '-'


def _row(values):
    return '| ' + ' | '.join(_escape(value).replace('|', '\\|').replace('\n', ' ') for value in values) + ' |'


def _table(header, rows):
    lines = [_row(header), '|' + '---|' * len(header)]
    lines.extend(_row(row) for row in rows)
    return lines


def render_markdown(report):
    summary = report['summary']
    pairs = summary['pairs']
    lines = ['# Fleet network report', '',
             '%d hosts, %d networks (%d spanning hosts), %d problems; probe pairs: %d passed, %d failed, %d skipped.'
             % (summary['hosts'], summary['networks'], summary['spanning'], summary['problems'],
                pairs['passed'], pairs['failed'], pairs['skipped']), '']
    if report['generated']:
        lines += ['Generated %s (schema %s version %s).'
                  % (report['generated'], report['schema'], report['schema_version']), '']
    lines += ['## Problems', '']
    if report['problems']:
        lines += ['- **%s** (%s): %s' % (problem['severity'], problem['rule'], problem['message'])
                  for problem in report['problems']]
    else:
        lines.append('None found.')
    lines += ['', '## Hosts', '']
    lines += _table(['host', 'engine', 'swarm', 'ESP', 'networks'], [
        [host['name'], engine_text(host),
         '%s %s' % (host['swarm']['local_node_state'], host['swarm']['role'] or ''),
         'yes' if host['esp'].get('available') else 'no', ', '.join(host['networks'])]
        for host in report['hosts']])
    if report['swarm']:
        lines += ['', '## Swarm nodes (seen from %s)' % report['swarm']['seen_from'], '']
        lines += _table(['node', 'host', 'address', 'role', 'availability', 'status', 'leader'], [
            [node['hostname'], node['host'], node['address'], node['role'], node['availability'], node['status'],
             'yes' if node['leader'] else ''] for node in report['swarm']['nodes']])
    lines += ['', '## Networks spanning hosts', '']
    lines += _table(['network', 'kind', 'driver', 'subnets', 'on hosts', 'slices', 'probe'], [
        [span['name'], span['kind'], span['driver'], ', '.join(span['subnets']) or '-', ', '.join(span['on_hosts']),
         ', '.join('%s %s' % (host, '/'.join(ranges)) for host, ranges in sorted(span['slices'].items()) if ranges) or '-',
         ('on ' + ', '.join(span['probe_hosts'])) if span['probe']['enabled'] else 'no: ' + span['probe']['reason']]
        for span in report['spanning']])
    lines += ['', '## Networks by host', '']
    lines += _table(['host', 'network', 'driver', 'scope', 'subnets', 'containers'], [
        [network['host'], network['name'], network['driver'], network['scope'], subnet_text(network),
         '; '.join(container_text(container) for container in network['containers']) or '-']
        for network in report['networks']])
    lines += ['', '## Connectivity matrix', '',
              'Row: the host whose probe pings; column: the host whose probe answers. '
              'Each cell: by address / by name.', '']
    for entry in report['matrix']:
        lines += ['### %s (%s)' % (entry['network'], entry['kind']), '']
        if not entry['probed']:
            lines += ['Not probed: %s.' % entry['reason'], '']
            continue
        name_reason = shared_name_reason(entry)
        rows = []
        for source in entry['hosts']:
            row = [source]
            for target in entry['hosts']:
                cell = cell_for(entry, source, target)
                by_name = 'skipped' if name_reason else cell_text(cell['by_name']) if cell else ''
                row.append('-' if cell is None else '%s / %s' % (cell_text(cell['by_address']), by_name))
            rows.append(row)
        lines += _table(['from \\ to'] + entry['hosts'], rows) + ['']
        if name_reason:
            lines += ['By name: skipped, %s.' % name_reason, '']
    return '\n'.join(lines).rstrip('\n') + '\n'
