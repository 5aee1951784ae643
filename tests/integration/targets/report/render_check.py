"""Open report.html in headless Chromium: no script errors, the diagram names every host and spanning network.

    render_check.py REPORT_HTML SCREENSHOT_PNG REPORT_JSON

Chromium runs with a new, empty profile and without any background network access; the page itself
must fetch nothing. Keeps a screenshot for people to look at.
"""
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile

FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
         '--disable-background-networking', '--disable-component-update', '--disable-sync']


def chromium(profile, *arguments):
    browser = shutil.which('chromium') or shutil.which('chromium-browser')
    if not browser:
        sys.exit('render_check: chromium is not installed (Debian package chromium)')
    return subprocess.run([browser] + FLAGS + ['--user-data-dir=' + profile] + list(arguments),
                          capture_output=True, text=True, timeout=120, check=True)


def main(page, screenshot, report_json):
    with open(report_json) as handle:
        report = json.load(handle)
    profile = tempfile.mkdtemp(prefix='report-chromium-')
    try:
        shown = chromium(profile, '--enable-logging=stderr', '--v=0', '--dump-dom', 'file://' + page)
        chromium(profile, '--window-size=1400,1100', '--screenshot=' + screenshot, 'file://' + page)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    problems = []
    console = [line for line in shown.stderr.splitlines() if ':CONSOLE' in line]
    if console:
        problems.append('the page logged to the console: %s' % console)
    if 'data-report-script="ran"' not in shown.stdout:
        problems.append('the page script did not run to its end')
    diagram = re.search(r'<div class="diagram">(.*?)</div>', shown.stdout, re.S)
    texts = set(html.unescape(text).strip() for text in re.findall(r'<text[^>]*>([^<]*)</text>', diagram.group(1))) if diagram else set()
    if not diagram:
        problems.append('the page has no diagram')
    wanted = [host['name'] for host in report['hosts']] + [span['name'] for span in report['spanning']]
    missing = [name for name in wanted if name not in texts]
    if missing:
        problems.append('the diagram does not name %s' % ', '.join(missing))
    if problems:
        sys.exit('render_check: ' + '; '.join(problems))
    print('render_check: rendered without console messages; the diagram names %s; screenshot %s'
          % (', '.join(wanted), screenshot))


if __name__ == '__main__':
    main(*sys.argv[1:4])
