# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The renderings: Markdown, the Graphviz graph (laid out by dot when it is installed) and the page."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import html
import re
import shutil
import subprocess

import pytest

from ansible_collections.fleetnet.docker.plugins.module_utils._report.graph import quote, render_dot
from ansible_collections.fleetnet.docker.plugins.module_utils._report.markdown import render_markdown
from ansible_collections.fleetnet.docker.plugins.module_utils._report.model import build_report
from ansible_collections.fleetnet.docker.plugins.module_utils._report.page import inline_svg, render_html

NEEDS_DOT = pytest.mark.skipif(shutil.which('dot') is None, reason="Graphviz's dot is not installed (Debian: graphviz)")


def _lay_out(dot_text):
    return subprocess.run(['dot', '-Tsvg'], input=dot_text, capture_output=True, text=True, check=True).stdout


def test_markdown_names_hosts_networks_and_problems(fleet, on_host):
    on_host('h1', 'demo-overlay')['options']['encrypted'] = ''
    text = render_markdown(build_report(fleet, probed=False, not_probed_reason='check mode'))
    for name in ('h1', 'h2', 'h3', 'demo-lan', 'demo-overlay', 'demo-frontend', 'capture-web 10.240.1.'):
        assert name in text
    assert 'encrypted overlay network "demo-overlay" is on h1' in text
    assert 'Not probed: check mode.' in text


def test_markdown_table_cells_keep_their_columns(fleet, on_host):
    on_host('h1', 'demo-frontend')['containers'][0]['aliases'] = ['a|b']
    row = next(line for line in render_markdown(build_report(fleet)).splitlines() if 'capture-web' in line)
    assert 'a\\|b' in row and row.count(' | ') == 5


def test_dot_quoting_keeps_quotes_and_backslashes():
    assert quote('say "hi"\\') == '"say \\"hi\\"\\\\"'
    assert quote('one\ntwo') == '"one\\ltwo\\l"'


@NEEDS_DOT
def test_dot_lays_out_every_host_and_spanning_network(fleet):
    svg = _lay_out(render_dot(build_report(fleet)))
    texts = set(html.unescape(text) for text in re.findall(r'<text[^>]*>([^<]*)</text>', svg))
    for name in ('h1', 'h2', 'h3', 'demo-lan', 'demo-overlay', 'ingress'):
        assert name in texts, name
    assert '<svg' in svg


@NEEDS_DOT
def test_a_network_name_with_markup_is_text_in_the_graph_and_the_page(fleet, on_host):
    on_host('h1', 'demo-backend')['name'] = 'x"<script>alert(1)</script>'
    report = build_report(fleet)
    svg = _lay_out(render_dot(report))
    page = render_html(report, svg)
    assert '<script>alert(1)' not in page and '&lt;script&gt;alert(1)' in page


def test_page_is_self_contained(fleet):
    page = render_html(build_report(fleet), '<?xml version="1.0"?>\n<!DOCTYPE svg>\n<svg width="1"><g/></svg>\n')
    assert '<svg width="1"><g/></svg>' in page and '<?xml' not in page and 'DOCTYPE svg' not in page
    # Nothing is fetched: no external scripts, styles, images or fonts.
    assert not re.search(r'''(src|href)\s*=\s*["']?(https?:)?//''', page)
    assert '<link' not in page and '@import' not in page


def test_page_without_a_diagram_says_why(fleet):
    page = render_html(build_report(fleet), '', diagram_note='dot is not installed')
    assert 'No diagram: dot is not installed' in page


def test_inline_svg_of_nothing():
    assert inline_svg(None) == '' and inline_svg('error') == ''
