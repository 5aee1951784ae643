"""Turn the narrative docs (docs/*.md) into the RST pages an antsibull-built docsite reads.

antsibull-docs takes a collection's extra docs only as RST under docs/docsite/rst/, listed in
docs/docsite/extra-docs.yml. The Markdown pages stay the one source (they read well on the
repository's web view); `make build` writes docs/docsite/rst/ from them just before it builds
the tarball, and `make build-check` lints the result with `antsibull-docs lint-collection-docs`.

    md_to_rst.py DOCS_DIR OUT_DIR REPOSITORY_URL
"""
import os
import re
import sys

import mistune
import yaml
from mistune.renderers.rst import RSTRenderer

LABEL_PREFIX = 'ansible_collections.fleetnet.docker.docsite.'


class DocsiteRenderer(RSTRenderer):
    """mistune's RST renderer, plus tables and links that work inside the docsite."""

    def __init__(self, pages, repository_url):
        super().__init__()
        self.pages = pages
        self.repository_url = repository_url.rstrip('/')

    def link(self, token, state):
        url = token['attrs']['url']
        text = self.render_children(token, state)
        page = url.split('#')[0]
        if not re.match(r'^[a-z]+:', url):
            name = os.path.splitext(os.path.basename(page))[0]
            if page.endswith('.md') and name in self.pages:
                # Another narrative page: a docsite reference (Sphinx has no anchors into a page by file).
                return ':ref:`%s <%s%s>`' % (text, LABEL_PREFIX, name)
            if not page:
                return text
            # Anything else in the repository (tests, COPYING): its page on the repository's web view.
            url = '%s/blob/main/%s' % (self.repository_url, os.path.normpath(os.path.join('docs', url)))
        return '`%s <%s>`__' % (text, url)

    def codespan(self, token, state):
        # Escaped spaces let inline code touch letters or punctuation ("`x`s"), which RST refuses otherwise.
        return '\\ ``%s``\\ ' % token['raw']

    def table(self, token, state):
        rows = []
        for part in token['children']:
            cells_of = [part['children']] if part['type'] == 'table_head' else [row['children'] for row in part['children']]
            for cells in cells_of:
                rows.append([self.render_children(cell, state).strip() or '\\ ' for cell in cells])
        lines = ['.. list-table::', '   :header-rows: 1', '']
        for row in rows:
            lines.append('   * - ' + row[0])
            lines.extend('     - ' + cell for cell in row[1:])
        return '\n'.join(lines) + '\n\n'


def convert(source, name, pages, repository_url):
    markdown = mistune.create_markdown(renderer=DocsiteRenderer(pages, repository_url), plugins=['table'])
    return '.. _%s%s:\n\n%s\n' % (LABEL_PREFIX, name, markdown(source))


def listed_pages(extra_docs):
    with open(extra_docs, encoding='utf-8') as index:
        sections = yaml.safe_load(index).get('sections') or []
    return set(entry if isinstance(entry, str) else entry['ref'] for section in sections for entry in section['toctree'])


def main(docs_dir, out_dir, repository_url):
    pages = sorted(os.path.splitext(entry)[0] for entry in os.listdir(docs_dir) if entry.endswith('.md'))
    extra_docs = os.path.join(docs_dir, 'docsite', 'extra-docs.yml')
    unlisted = sorted(set(pages) - listed_pages(extra_docs))
    if unlisted:
        sys.exit('%s: list these pages of %s in a toctree too: %s' % (extra_docs, docs_dir, ', '.join(unlisted)))
    os.makedirs(out_dir, exist_ok=True)
    for name in pages:
        with open(os.path.join(docs_dir, name + '.md'), encoding='utf-8') as source:
            text = convert(source.read(), name, pages, repository_url)
        with open(os.path.join(out_dir, name + '.rst'), 'w', encoding='utf-8') as target:
            target.write(text)
    print('%d pages written to %s' % (len(pages), out_dir))


if __name__ == '__main__':
    main(*sys.argv[1:4])
