"""Run the integration targets on sandbox fleets of several Docker Engines (what `make test` runs).

    matrix.py --fleet NAME [--hosts 3] [--side-by-side | --quiet] ENGINE[:TARGET,TARGET...] ...

Each ENGINE (see `tests/fleet/fleet engines`) gets a fleet of its own, named NAME with the engine
appended (fleet285 for 28.5), brought up, given the targets (all of them when none are listed),
taken down and checked to have left nothing behind. With --side-by-side the engines' fleets run at
the same time, otherwise one after another; with either --side-by-side or --quiet each engine's
output goes to a log of its own, printed when that engine is done (so that several matrices can run
at once, as make test's lanes do). The summary names, per engine, the real engine and API
version the hosts ran and which targets passed, failed and were skipped (with the reason: a target
whose aliases need a newer engine, or one that cannot run what it is for on this machine), and which
passed on an engine their aliases do not yet list as proven; its last line is
"N passed, N failed, N skipped".
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
FLEET_TOOL = os.path.join(ROOT, 'tests', 'fleet', 'fleet')
RUN = os.path.join(HERE, 'run.py')
TARGETS = os.path.join(HERE, 'targets')


def fleet_name(base, engine):
    """fleet + 28.5 -> fleet285; names have at most 8 characters, so the base gives way."""
    code = engine.replace('.', '')
    return base[:8 - len(code)] + code


def parse_engine(spec):
    """28.5 -> all targets; 26.1:a,b -> those; 28.5:-a -> all but a. Either way the targets not run
    there are returned too, for the summary to name them."""
    engine, _colon, targets = spec.partition(':')
    names = [name for name in targets.split(',') if name]
    every = sorted(os.listdir(TARGETS))
    if any(name.startswith('-') for name in names):
        left_out = [name[1:] for name in names if name.startswith('-')]
        names = [name for name in every if name not in left_out]
    else:
        left_out = [name for name in every if names and name not in names]
    return engine, names, left_out


def engine_version(inventory):
    """What the fleet's hosts really run, from the inventory the fleet tool wrote."""
    versions = set()
    with open(inventory) as lines:
        for line in lines:
            fields = dict(field.split('=', 1) for field in line.split()[1:] if '=' in field)
            if 'fleet_engine_version' in fields:
                versions.add('Docker Engine %s, API %s' % (fields['fleet_engine_version'], fields['fleet_api_version']))
    return '; '.join(sorted(versions)) or 'unknown'


class EngineRun:
    def __init__(self, engine, targets, left_out, args, quiet):
        self.engine = engine
        self.targets = targets
        self.left_out = left_out
        self.fleet = fleet_name(args.fleet, engine)
        self.hosts = args.hosts
        self.python = args.python
        self.rerun_failed = args.rerun_failed
        self.quiet = quiet
        self.passed, self.failed, self.why_failed, self.flaky = [], [], {}, {}
        self.skipped, self.partly_skipped, self.proven = {}, {}, {}
        self.problems = []
        self.version = 'not started'
        self.seconds = 0
        self.log = tempfile.NamedTemporaryFile('w+', prefix='matrix-%s-' % self.fleet, suffix='.log', delete=False)

    def env(self):
        env = dict(os.environ, FLEET_NAME=self.fleet, FLEET_ENGINE=self.engine)
        if self.python:
            env['FLEET_PYTHON'] = self.python
        return env

    def shell(self, command, stdout=None):
        """Run command for this engine's fleet; side by side, its output goes to the engine's log."""
        if self.quiet:
            return subprocess.run(command, env=self.env(), stdout=stdout or self.log, stderr=self.log, check=False, text=True)
        return subprocess.run(command, env=self.env(), stdout=stdout, check=False, text=True)

    def say(self, text):
        print('=== [%s] %s' % (self.engine, text), flush=True)

    def print_log(self):
        """What the fleet's targets printed, kept in the log while it ran quiet."""
        self.log.seek(0)
        print('\n=== [%s] output of fleet %s\n%s' % (self.engine, self.fleet, self.log.read()), flush=True)

    def run(self):
        started = time.time()
        try:
            self.run_on_fleet()
        finally:
            if self.shell([FLEET_TOOL, 'down']).returncode != 0:
                self.problems.append('fleet down failed')
            if self.shell([FLEET_TOOL, 'check-down']).returncode != 0:
                self.problems.append('fleet check-down found traces left')
            self.seconds = time.time() - started
            self.say('done in %.0fs' % self.seconds)

    def run_on_fleet(self):
        self.say('fleet %s up (%d hosts)' % (self.fleet, self.hosts))
        self.log.flush()
        up = self.shell([FLEET_TOOL, 'up', str(self.hosts)], stdout=subprocess.PIPE)
        if up.returncode != 0:
            self.problems.append('fleet up failed')
            self.failed = self.targets or sorted(os.listdir(TARGETS))
            return
        inventory = up.stdout.strip().splitlines()[-1]
        self.version = engine_version(inventory)
        self.say('fleet %s runs %s' % (self.fleet, self.version))
        with tempfile.NamedTemporaryFile('r', suffix='.json') as results:
            self.log.flush()
            rerun = ['--rerun-failed'] if self.rerun_failed else []
            self.shell([sys.executable, RUN, '--inventory', inventory, '--results', results.name] + rerun + self.targets)
            try:
                outcome = json.load(results)
            except ValueError:
                outcome = {'passed': [], 'failed': self.targets or ['(run.py did not finish)']}
        self.passed, self.failed = outcome['passed'], outcome['failed']
        self.why_failed = outcome.get('why_failed', {})
        self.flaky = outcome.get('flaky', {})
        self.skipped = outcome.get('skipped', {})
        self.partly_skipped = outcome.get('partly_skipped', {})
        self.proven = outcome.get('proven', {})

    def not_yet_proven(self):
        """Targets that passed here although their aliases do not say proven/<this engine>."""
        return [name for name in self.passed if self.engine not in self.proven.get(name, [self.engine])]


def summary(runs):
    lines = ['', '== integration targets per engine']
    for run in runs:
        lines.append('%s (fleet %s; %s): %d passed, %d failed, %d skipped in %.0fs'
                     % (run.engine, run.fleet, run.version, len(run.passed), len(run.failed), len(run.skipped),
                        run.seconds))
        lines.append('  passed: %s' % (' '.join(run.passed) or '-'))
        for name, reasons in run.partly_skipped.items():
            lines.extend('    %s, part skipped: %s' % (name, reason) for reason in reasons)
        lines.extend('  FLAKY (passed on its second run): %s; the first failed: %s' % (name, first)
                     for name, first in run.flaky.items())
        lines.append('  failed: %s' % (' '.join(run.failed) or '-'))
        lines.extend('    %s failed: %s' % (name, run.why_failed.get(name, 'no reason found')) for name in run.failed)
        lines.append('  skipped: %s' % ('-' if not run.skipped else ''))
        lines.extend('    %s skipped: %s' % (name, reason) for name, reason in run.skipped.items())
        if run.not_yet_proven():
            lines.append('  passed, not yet proven/%s in their aliases: %s' % (run.engine, ' '.join(run.not_yet_proven())))
        if run.left_out:
            lines.append('  not run on this fleet (the Makefile\'s TEST_LANE_* say where else and why): %s'
                         % ' '.join(run.left_out))
        for problem in run.problems:
            lines.append('  problem: %s' % problem)
    passed = sum(len(run.passed) for run in runs)
    failed = sum(len(run.failed) + (1 if run.problems and not run.failed else 0) for run in runs)
    skipped = sum(len(run.skipped) for run in runs)
    lines.append('%d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return '\n'.join(lines), failed


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--fleet', default='fleet')
    parser.add_argument('--hosts', type=int, default=3)
    parser.add_argument('--python', help='interpreter the hosts run modules with (FLEET_PYTHON)')
    parser.add_argument('--side-by-side', action='store_true')
    parser.add_argument('--quiet', action='store_true',
                        help="one engine after another, each engine's output printed when it is done")
    parser.add_argument('--rerun-failed', action='store_true', help="run.py's: a failed target runs once more")
    parser.add_argument('--summary', help='also write the summary to this file (make test prints it again at its end)')
    parser.add_argument('engines', nargs='+', metavar='ENGINE[:TARGET,...]')
    args = parser.parse_args()
    runs = [EngineRun(engine, targets, left_out, args, quiet=args.side_by_side or args.quiet)
            for engine, targets, left_out in map(parse_engine, args.engines)]
    if len({run.fleet for run in runs}) != len(runs):
        sys.exit('matrix: every engine needs a fleet of its own; an engine is listed twice')
    if args.side_by_side:
        threads = [threading.Thread(target=run.run) for run in runs]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        for run in runs:
            run.print_log()
    else:
        for run in runs:
            run.run()
            if run.quiet:
                run.print_log()
    text, failed = summary(runs)
    print(text)
    if args.summary:
        with open(args.summary, 'w') as written:
            written.write(text.lstrip('\n') + '\n')
    for run in runs:
        os.unlink(run.log.name)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
