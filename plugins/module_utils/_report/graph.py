# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The fleet diagram as a Graphviz graph (DOT text); Graphviz's ``dot`` lays it out, not this code.

One cluster per host with its networks (subnet or slice, containers and their addresses); every
network spanning hosts is one node outside the clusters, joined to its part on each host, so dot
draws it across them. The predefined host and none networks are left out: they have no addresses.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

from ansible_collections.fleetnet.docker.plugins.module_utils._report.cells import container_text, engine_text

KIND_COLOURS = dict(overlay='#1f6fb2', swarm='#7b3fa0', lan='#2a8a3e', routed='#b36b00')
KIND_TEXT = dict(overlay='across the swarm', swarm='swarm-scoped', lan='one LAN across hosts',
                 routed='routed between hosts')
LEFT_OUT = ('host', 'none')


def quote(text):
    """A DOT string literal; newlines become left-justified line breaks."""
    text = u'%s' % (text,)
    text = text.replace('\\', '\\\\').replace('"', '\\"')
    return '"' + text.replace('\n', '\\l') + '\\l"' if '\n' in text else '"' + text + '"'


def node_id(*parts):
    return quote('_'.join(re.sub(r'[^A-Za-z0-9_.-]', '_', u'%s' % part) for part in parts))


def _network_label(network, span):
    lines = [network['name'] + ('' if span else ' (%s)' % network['driver'])]
    for subnet in network['subnets']:
        if span and subnet['ip_range']:
            lines.append('slice %s' % subnet['ip_range'])
        elif not span:
            lines.append(subnet['subnet'] or '')
    lines.extend(container_text(container) for container in network['containers'])
    return '\n'.join(line for line in lines if line)


def render_dot(report):
    spans = dict((span['key'], span) for span in report['spanning'])
    out = ['digraph fleet {',
           '  graph [rankdir=TB, fontname="Helvetica", fontsize=12, nodesep=0.3, ranksep=0.9, newrank=true];',
           '  node [shape=box, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica", fontsize=10];',
           '  edge [arrowhead=none, color="#666666"];']
    for host in report['hosts']:
        out.append('  subgraph %s {' % node_id('cluster', host['name']))
        out.append('    label=%s; labeljust=l; style="rounded,filled"; fillcolor="#f3f5f8"; color="#8899aa";'
                   % quote('%s\n%s%s' % (host['name'], engine_text(host),
                                         ', swarm ' + host['swarm']['role'] if host['swarm']['role'] else '')))
        out.append('    %s [shape=point, width=0.05, style=invis];' % node_id('host', host['name']))
        local = []
        for network in report['networks']:
            if network['host'] != host['name'] or network['name'] in LEFT_OUT:
                continue
            span = spans.get(network['span'])
            if not span:
                local.append(network)
                continue
            out.append('    %s [label=%s, color="%s", penwidth=2];' % (
                node_id('net', host['name'], network['name'], network['id']), quote(_network_label(network, span)),
                KIND_COLOURS[span['kind']]))
        if local:
            # The networks of this host alone, one box: they cross no host, so need no lines.
            lines = ['networks of %s only:' % host['name']]
            for network in local:
                lines.extend(('  ' if index else '') + line
                             for index, line in enumerate(_network_label(network, None).split('\n')))
            out.append('    %s [label=%s, color="#8899aa"];' % (node_id('local', host['name']), quote('\n'.join(lines))))
        out.append('  }')
    for span in report['spanning']:
        colour = KIND_COLOURS[span['kind']]
        label = '%s\n%s, %s\n%s' % (span['name'], span['driver'], KIND_TEXT[span['kind']], ', '.join(span['subnets']) or '')
        if span['encrypted']:
            label += '\nencrypted'
        out.append('  %s [label=%s, shape=box, style="filled,bold", fillcolor="%s", fontcolor="#ffffff", color="%s"];'
                   % (node_id('span', span['key']), quote(label), colour, colour))
        for network in report['networks']:
            if network['span'] == span['key']:
                out.append('  %s -> %s [color="%s", penwidth=2];' % (
                    node_id('net', network['host'], network['name'], network['id']), node_id('span', span['key']), colour))
        for host in span['probe_hosts']:
            if host not in span['on_hosts']:
                out.append('  %s -> %s [color="%s", style=dashed, tooltip=%s];' % (
                    node_id('host', host), node_id('span', span['key']), colour,
                    quote('%s is a swarm node; the network shows up there once a container uses it' % host)))
    out.append('}')
    return '\n'.join(out) + '\n'
