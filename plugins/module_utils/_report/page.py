# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""report.html: one self-contained page (styles, script and the diagram's SVG inline; nothing is fetched)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from html import escape

from ansible_collections.fleetnet.docker.plugins.module_utils._report.cells import (
    cell_for, cell_text, container_text, engine_text, shared_name_reason, subnet_text)

STYLE = '''
body{font-family:Helvetica,Arial,sans-serif;margin:1.5em;color:#222;max-width:90em}
h1{font-size:1.5em}h2{font-size:1.2em;margin-top:1.8em;border-bottom:1px solid #ccd}h3{font-size:1em}
table{border-collapse:collapse;margin:.5em 0}th,td{border:1px solid #ccd;padding:.25em .5em;text-align:left;
vertical-align:top;font-size:.9em}th{background:#eef1f5}.pass{background:#dff3e3}.fail{background:#f9dcdc}
.skipped{background:#f1f1f1;color:#666}.error{color:#a00}.warning{color:#a60}.diagram svg{max-width:100%;height:auto}
.muted{color:#666}input{margin:.3em 0;padding:.2em}
'''

# The only script: the filter box of the network table. Plain DOM, no libraries.
SCRIPT = '''
document.getElementById('network-filter').addEventListener('input', function (event) {
  var wanted = event.target.value.toLowerCase();
  var rows = document.querySelectorAll('#networks tbody tr');
  for (var i = 0; i < rows.length; i++) {
    rows[i].style.display = rows[i].textContent.toLowerCase().indexOf(wanted) === -1 ? 'none' : '';
  }
});
// Reached only when everything above ran: a headless browser test looks for it.
document.documentElement.setAttribute('data-report-script', 'ran');
'''


def _text(value):
    return escape(u'%s' % (value,)) if value is not None else '-'


def _table(header, rows, table_id=None):
    out = ['<table%s><thead><tr>%s</tr></thead><tbody>' % (
        ' id="%s"' % table_id if table_id else '', ''.join('<th>%s</th>' % _text(title) for title in header))]
    for row in rows:
        out.append('<tr>%s</tr>' % ''.join('<td>%s</td>' % _text(value) for value in row))
    out.append('</tbody></table>')
    return '\n'.join(out)


def inline_svg(svg):
    """The <svg> element of dot's output, without the XML prolog and doctype that HTML does not want."""
    match = re.search(r'<svg\b.*</svg>', svg or '', re.S)
    return match.group(0) if match else ''


def _matrix(entry):
    if not entry['probed']:
        return '<p class="muted">Not probed: %s.</p>' % _text(entry['reason'])
    name_reason = shared_name_reason(entry)
    out = ['<table class="matrix"><thead><tr><th>from \\ to</th>%s</tr></thead><tbody>'
           % ''.join('<th>%s</th>' % _text(host) for host in entry['hosts'])]
    for source in entry['hosts']:
        cells = ['<th>%s</th>' % _text(source)]
        for target in entry['hosts']:
            cell = cell_for(entry, source, target)
            if cell is None:
                cells.append('<td class="muted">-</td>')
                continue
            statuses = [cell['by_address']['status'], cell['by_name']['status']]
            status = 'fail' if 'fail' in statuses else ('pass' if 'pass' in statuses else 'skipped')
            by_name = 'skipped (below)' if name_reason else cell_text(cell['by_name'])
            cells.append('<td class="%s">address: %s<br>name: %s</td>'
                         % (status, _text(cell_text(cell['by_address'])), _text(by_name)))
        out.append('<tr>%s</tr>' % ''.join(cells))
    out.append('</tbody></table>')
    if name_reason:
        out.append('<p class="muted">By name: skipped, %s.</p>' % _text(name_reason))
    return '\n'.join(out)


def render_html(report, svg=None, diagram_note=None):
    summary = report['summary']
    pairs = summary['pairs']
    body = ['<h1>Fleet network report</h1>',
            '<p>%d hosts, %d networks (%d spanning hosts), %d problems; probe pairs: %d passed, %d failed, %d skipped.</p>'
            % (summary['hosts'], summary['networks'], summary['spanning'], summary['problems'],
               pairs['passed'], pairs['failed'], pairs['skipped'])]
    if report['generated']:
        body.append('<p class="muted">Generated %s; schema %s version %s.</p>'
                    % (_text(report['generated']), _text(report['schema']), _text(report['schema_version'])))
    body.append('<h2 id="problems">Problems</h2>')
    if report['problems']:
        body.append('<ul>%s</ul>' % ''.join('<li class="%s"><b>%s</b> (%s): %s</li>' % (
            _text(problem['severity']), _text(problem['severity']), _text(problem['rule']), _text(problem['message']))
            for problem in report['problems']))
    else:
        body.append('<p>None found.</p>')
    body.append('<h2 id="diagram">Diagram</h2>')
    if inline_svg(svg):
        body.append('<div class="diagram">%s</div>' % inline_svg(svg))
    else:
        body.append('<p class="warning">No diagram: %s</p>' % _text(diagram_note or 'Graphviz drew nothing'))
    body.append('<h2 id="matrix">Connectivity matrix</h2><p class="muted">Row: the host whose probe pings; '
                'column: the host whose probe answers.</p>')
    for entry in report['matrix']:
        body.append('<h3>%s <span class="muted">(%s)</span></h3>' % (_text(entry['network']), _text(entry['kind'])))
        body.append(_matrix(entry))
    body.append('<h2 id="hosts">Hosts</h2>')
    body.append(_table(['host', 'engine', 'OS', 'swarm', 'ESP', 'networks'], [
        [host['name'], engine_text(host), host['engine'].get('os'),
         '%s %s' % (host['swarm']['local_node_state'], host['swarm']['role'] or ''),
         'yes' if host['esp'].get('available') else 'no', ', '.join(host['networks'])] for host in report['hosts']]))
    if report['swarm']:
        body.append('<h3>Swarm nodes (seen from %s)</h3>' % _text(report['swarm']['seen_from']))
        body.append(_table(['node', 'host', 'address', 'role', 'availability', 'status', 'leader'], [
            [node['hostname'], node['host'], node['address'], node['role'], node['availability'], node['status'],
             'yes' if node['leader'] else ''] for node in report['swarm']['nodes']]))
    body.append('<h2 id="spanning">Networks spanning hosts</h2>')
    body.append(_table(['network', 'kind', 'driver', 'subnets', 'on hosts', 'slices', 'probe'], [
        [span['name'], span['kind'], span['driver'], ', '.join(span['subnets']), ', '.join(span['on_hosts']),
         ', '.join('%s %s' % (host, '/'.join(ranges)) for host, ranges in sorted(span['slices'].items()) if ranges),
         ('on ' + ', '.join(span['probe_hosts'])) if span['probe']['enabled'] else 'no: ' + span['probe']['reason']]
        for span in report['spanning']]))
    body.append('<h2 id="networks-by-host">Networks by host</h2>')
    body.append('<label>Filter: <input id="network-filter" type="search" placeholder="host, network, address"></label>')
    body.append(_table(['host', 'network', 'driver', 'scope', 'subnets', 'containers'], [
        [network['host'], network['name'], network['driver'], network['scope'], subnet_text(network),
         '; '.join(container_text(container) for container in network['containers'])]
        for network in report['networks']], table_id='networks'))
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<title>Fleet network report</title><style>%s</style></head>\n<body>\n%s\n<script>%s</script>\n</body></html>\n'
            % (STYLE, '\n'.join(body), SCRIPT))
