"""The Docker Engine binaries of a sandbox fleet host, from Debian's packages (tests/fleet/engines),
and for engines Debian does not package, built from upstream source archives (engine_source.py).

    engine.py list [--packaged]  the engines the fleet can run, one a line (--packaged: only those
                                 Debian packages, which need no build)
    engine.py prepare ENGINE     fetch (once) and check ENGINE's binaries; prints their folder

Packages are fetched with `apt-get download` against a private sources list, with apt state and
cache folders of their own (the machine's apt configuration and its installed packages are
untouched), and unpacked with `dpkg-deb -x` into FLEET_CACHE (default /var/cache/fleetnet-sandbox).
A `source` line is built once with Debian's Go toolchain (fetched the same way) from the archive
in FLEET_SOURCES. `prepare` then checks that every binary runs on this machine, so that a set that cannot work fails
here, naming the engine and the binary, rather than as a daemon that never answers.
"""
import fcntl
import os
import re
import shutil
import subprocess
import sys
import tempfile

import engine_source

HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, 'engines')
CACHE = os.environ.get('FLEET_CACHE', '/var/cache/fleetnet-sandbox')
APT_DIR = os.path.join(CACHE, 'apt')
MIRROR = 'http://deb.debian.org/debian'
SECURITY_MIRROR = 'http://deb.debian.org/debian-security'
KEYRING = '/usr/share/keyrings/debian-archive-keyring.gpg'
# Each suite the table names, with the update suites whose packages replace its own.
SUITES = {
    'bookworm': [(MIRROR, 'bookworm'), (MIRROR, 'bookworm-updates'), (SECURITY_MIRROR, 'bookworm-security')],
    'trixie': [(MIRROR, 'trixie'), (MIRROR, 'trixie-updates'), (SECURITY_MIRROR, 'trixie-security')],
    'sid': [(MIRROR, 'sid')],
}
# What each binary prints for its version flag must contain the engine's own version for these.
VERSION_FLAGS = {'dockerd': '--version', 'docker': '--version', 'containerd': '--version',
                 'runc': '--version', 'docker-init': '--version'}


class EngineError(Exception):
    pass


def load_table():
    engines = {}
    with open(TABLE) as table:
        for line in table:
            line = line.split('#', 1)[0].strip()
            if not line:
                continue
            engine, suite, package, version, *files = line.split()
            if suite not in SUITES and suite != 'source':
                raise EngineError('%s: unknown suite %r for %s' % (TABLE, suite, package))
            engines.setdefault(engine, []).append(dict(suite=suite, package=package, version=version, files=files))
    return engines


def upstream(version):
    """28.5.2+dfsg4-5 -> 28.5.2: the Docker release a Debian version packages (a source tag's
    release for a `source` line: docker-v29.7.2 -> 29.7.2)."""
    if version.startswith(('docker-v', 'v')):
        return engine_source.release_of(version)
    return re.split(r'[+~-]', version.split(':')[-1], maxsplit=1)[0]


def apt_options():
    return ['-o', 'Dir::Etc::sourcelist=%s/sources.list' % APT_DIR, '-o', 'Dir::Etc::sourceparts=-',
            '-o', 'Dir::Etc::preferences=%s/preferences' % APT_DIR, '-o', 'Dir::Etc::preferencesparts=-',
            '-o', 'Dir::State=%s/state' % APT_DIR, '-o', 'Dir::State::status=%s/state/status' % APT_DIR,
            '-o', 'Dir::Cache=%s/cache' % APT_DIR, '-o', 'APT::Architecture=amd64',
            '-o', 'APT::Sandbox::User=root', '-o', 'Debug::NoLocking=1']


def run(command, **kwargs):
    result = subprocess.run(command, capture_output=True, text=True, check=False, **kwargs)
    if result.returncode != 0:
        raise EngineError('%s failed: %s' % (' '.join(command[:2]), (result.stderr or result.stdout).strip()[-800:]))
    return result.stdout


def apt_update(suites):
    for folder in ('state/lists/partial', 'cache/archives/partial'):
        os.makedirs(os.path.join(APT_DIR, folder), exist_ok=True)
    open(os.path.join(APT_DIR, 'state', 'status'), 'a').close()
    with open(os.path.join(APT_DIR, 'sources.list'), 'w') as sources:
        for suite in sorted(suites):
            for mirror, name in SUITES[suite]:
                sources.write('deb [signed-by=%s] %s %s main\n' % (KEYRING, mirror, name))
    run(['apt-get'] + apt_options() + ['-qq', 'update'])


def available_versions(package):
    output = run(['apt-cache'] + apt_options() + ['madison', package])
    return [line.split('|')[1].strip() for line in output.splitlines() if '|' in line]


def choose_version(entry):
    """The pinned version, or (when the suite has moved on) one of the same Docker release."""
    versions = available_versions(entry['package'])
    if entry['version'] in versions:
        return entry['version']
    same = [version for version in versions if upstream(version) == upstream(entry['version'])]
    if same:
        print('engine: %s %s is no longer in Debian; using %s (same upstream release)'
              % (entry['package'], entry['version'], same[0]), file=sys.stderr)
        return same[0]
    raise EngineError('%s %s (or another build of %s) is not in Debian %s any more (it has: %s); update %s'
                      % (entry['package'], entry['version'], upstream(entry['version']), entry['suite'],
                         ', '.join(versions) or 'nothing', TABLE))


def download_and_unpack(package, version, work, into):
    """`apt-get download` of one Debian package into `work`, unpacked into `into` (never installed)."""
    run(['apt-get'] + apt_options() + ['-qq', 'download', '%s=%s' % (package, version)], cwd=work)
    deb = [name for name in os.listdir(work) if name.startswith(package + '_') and name.endswith('.deb')]
    run(['dpkg-deb', '-x', os.path.join(work, deb[0]), into])
    os.remove(os.path.join(work, deb[0]))


def go_toolchain(work):
    """Debian's Go for the source builds, unpacked into `work`; its GOROOT."""
    for package in engine_source.GO_PACKAGES:
        versions = available_versions(package)
        if not versions:
            raise EngineError('%s is not in Debian %s: the source builds need it (engine_source.py)'
                              % (package, engine_source.GO_SUITE))
        download_and_unpack(package, versions[0], work, os.path.join(work, 'go'))
    return os.path.join(work, 'go', engine_source.GO_ROOT_IN_PACKAGE)


def build_from_source(entries, archives, work, binaries):
    """Builds the `source` entries from their checked archives ({package: path})."""
    missing = engine_source.missing_build_packages()
    if missing:
        raise EngineError('building from source needs the Debian packages %s (make deps installs them)' % ', '.join(missing))
    go_root = go_toolchain(work)
    for entry in entries:
        print('engine: building %s from %s (%s); a few minutes, once per machine'
              % (' '.join(entry['files']), entry['package'], entry['version']), file=sys.stderr)
        engine_source.build(entry['package'], entry['version'], archives[entry['package']], go_root, work, binaries)
    shutil.rmtree(os.path.join(work, 'go'))


def fetch(entries, target):
    built = [entry for entry in entries if entry['suite'] == 'source']
    packaged = [entry for entry in entries if entry['suite'] != 'source']
    # Before any download: a missing or changed archive is said at once, with where to get it.
    try:
        archives = dict((entry['package'], engine_source.checked_archive(entry['package'], entry['version'])[0])
                        for entry in built)
    except engine_source.SourceError as error:
        raise EngineError(str(error))
    apt_update({entry['suite'] for entry in packaged} | ({engine_source.GO_SUITE} if built else set()))
    work = tempfile.mkdtemp(prefix='engine-', dir=CACHE)
    try:
        binaries = os.path.join(work, 'bin')
        os.makedirs(binaries)
        chosen = ['%s=%s (built from source)' % (entry['package'], entry['version']) for entry in built]
        if built:
            build_from_source(built, archives, work, binaries)
        for entry in packaged:
            version = choose_version(entry)
            unpacked = os.path.join(work, 'unpacked-' + entry['package'])
            download_and_unpack(entry['package'], version, work, unpacked)
            for spec in entry['files']:
                source, _colon, name = spec.partition(':')
                shutil.copy2(os.path.join(unpacked, source), os.path.join(binaries, name or os.path.basename(source)))
            shutil.rmtree(unpacked)
            chosen.append('%s=%s' % (entry['package'], version))
        with open(os.path.join(work, 'packages'), 'w') as record:
            record.write('\n'.join(chosen) + '\n')
        with open(os.path.join(work, 'pinned'), 'w') as record:
            record.write(pinned(entries))
        if os.path.exists(target):
            shutil.rmtree(target)
        os.chmod(work, 0o755)
        os.rename(work, target)
    finally:
        if os.path.exists(work):
            shutil.rmtree(work)


def pinned(entries):
    """The table's lines for an engine: a cached set made from other lines is fetched again."""
    return ''.join('%(suite)s %(package)s=%(version)s %(files)s\n' % dict(entry, files=' '.join(entry['files']))
                   for entry in entries)


def cached(entries, target):
    try:
        with open(os.path.join(target, 'pinned')) as record:
            return record.read() == pinned(entries)
    except OSError:
        return False


def expected_files(entries):
    return sorted((spec.partition(':')[2] or os.path.basename(spec)) for entry in entries for spec in entry['files'])


def check(engine, entries, binaries):
    """Every binary of the set is there and runs on this machine (its libraries and glibc)."""
    problems = []
    # Each binary is checked against the release of the line that gives it (Engine 29's docker CLI
    # is Debian's 28.5).
    releases = {(spec.partition(':')[2] or os.path.basename(spec)): upstream(entry['version'])
                for entry in entries for spec in entry['files']}
    for name in expected_files(entries):
        release = releases[name]
        path = os.path.join(binaries, name)
        if not os.access(path, os.X_OK):
            problems.append('%s is missing' % name)
            continue
        linked = subprocess.run(['ldd', path], capture_output=True, text=True, check=False)
        missing = [line.strip() for line in (linked.stdout + linked.stderr).splitlines() if 'not found' in line]
        if missing:
            problems.append('%s cannot run on this machine: %s' % (name, '; '.join(missing)))
            continue
        if name in VERSION_FLAGS:
            result = subprocess.run([path, VERSION_FLAGS[name]], capture_output=True, text=True, check=False)
            if result.returncode != 0:
                problems.append('%s %s failed: %s' % (name, VERSION_FLAGS[name], (result.stderr or result.stdout).strip()[-300:]))
            elif name in ('dockerd', 'docker') and release not in result.stdout:
                problems.append('%s is not %s: %s' % (name, release, result.stdout.strip()))
    if problems:
        raise EngineError('engine %s (%s) cannot run here: %s' % (engine, binaries, '; '.join(problems)))


def prepare(engine):
    engines = load_table()
    if engine not in engines:
        raise EngineError('unknown engine %r; the fleet runs: %s' % (engine, ', '.join(sorted(engines))))
    entries = engines[engine]
    target = os.path.join(CACHE, 'engines', engine)
    binaries = os.path.join(target, 'bin')
    os.makedirs(os.path.join(CACHE, 'engines'), exist_ok=True)
    # One fetch at a time: fleets started side by side (make test's lanes, two developers' fleets)
    # share the apt state folder, and a source build takes minutes; a second `prepare` waits, then
    # finds the first one's result.
    with open(os.path.join(CACHE, 'engines', '.fetch.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not cached(entries, target):
            print('engine: fetching Docker Engine %s into %s' % (engine, target), file=sys.stderr)
            fetch(entries, target)
    check(engine, entries, binaries)
    return binaries


def main(argv):
    try:
        if argv[1:2] == ['list'] and argv[2:] in ([], ['--packaged']):
            engines = load_table()
            if argv[2:]:
                engines = dict((name, entries) for name, entries in engines.items()
                               if not any(entry['suite'] == 'source' for entry in entries))
            print('\n'.join(sorted(engines, key=lambda name: [int(part) for part in name.split('.')])))
        elif len(argv) == 3 and argv[1] == 'prepare':
            print(prepare(argv[2]))
        else:
            sys.exit(__doc__)
    except (EngineError, engine_source.SourceError) as error:
        print('engine: error: %s' % error, file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
