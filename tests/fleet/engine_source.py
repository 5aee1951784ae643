"""Binaries a sandbox engine builds from upstream source archives (tests/fleet/engines' `source` lines).

Debian packages no Docker Engine newer than 28.5, so Engine 29 is built from moby's tagged source,
with a runc new enough for it (Docker 29 asks runc for a time namespace, which Debian 12's runc 1.1.5
does not know). The archives come from FLEET_SOURCES (default: the `shared/sources` folder beside
the project's checkout), checked against the SHA256SUMS file there; nothing here reaches the
internet. Go comes from Debian's packages (unpacked with `dpkg-deb -x`, never installed), and the
archives vendor their dependencies, so a build needs no module download either.
"""
import hashlib
import os
import shutil
import subprocess
import tarfile

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SOURCES = os.path.normpath(os.path.join(HERE, '..', '..', '..', 'shared', 'sources'))

# Debian's Go toolchain for the builds: moby 29.7 needs Go 1.26.3 or later (its go.mod), which
# Debian 12 lacks; unstable's golang-1.27 runs here. Any Debian build of that Go release will do.
GO_SUITE = 'sid'
GO_PACKAGES = ('golang-1.27-go', 'golang-1.27-src')
GO_ROOT_IN_PACKAGE = 'usr/lib/go-1.27'

# What each project's build needs. `archive` is `git archive` of the upstream tag, its top folder
# named like the file; `upstream` is where a user with internet makes the same file (how_to_get).
PROJECTS = {
    'moby': dict(
        archive='moby-{tag}.tar.xz', upstream='github.com/moby/moby',
        # moby's own static build (hack/make.sh): no cgo, its tags, the version through ldflags
        # so that `dockerd --version` and GET /version name the release.
        packages={'dockerd': './cmd/dockerd', 'docker-proxy': './cmd/docker-proxy'},
        cgo=False,
        tags='netgo osusergo static_build nri_no_wasm exclude_graphdriver_btrfs exclude_graphdriver_devicemapper',
        ldflags='-w -X github.com/moby/moby/v2/dockerversion.Version={version} '
                '-X github.com/moby/moby/v2/dockerversion.GitCommit={tag} '
                '-X github.com/moby/moby/v2/dockerversion.PlatformName=fleetnet-sandbox'),
    'runc': dict(
        archive='runc-{tag}.tar.xz', upstream='github.com/opencontainers/runc',
        # runc's Makefile: cgo for libseccomp (Debian 12's libseccomp-dev), a position-independent binary.
        packages={'runc': '.'},
        cgo=True, buildmode='pie',
        tags='seccomp urfave_cli_no_docs',
        ldflags='-X main.gitCommit={tag}'),
}
# Debian packages a build needs on this machine (make deps installs them).
BUILD_PACKAGES = ('gcc', 'libc6-dev', 'libseccomp-dev', 'pkg-config')


class SourceError(Exception):
    pass


def sources_dir():
    return os.environ.get('FLEET_SOURCES') or DEFAULT_SOURCES


def release_of(tag):
    """docker-v29.7.2 -> 29.7.2, v1.3.3 -> 1.3.3."""
    return tag.rsplit('v', 1)[-1]


def how_to_get(project, tag, archive):
    upstream = PROJECTS[project]['upstream']
    return ('%s is the upstream tag %s of %s as `git archive --prefix=%s/ %s | xz >%s`; put it in %s '
            '(or point FLEET_SOURCES at a folder that has it) with its line in SHA256SUMS'
            % (archive, tag, upstream, archive[:-len('.tar.xz')], tag, archive, sources_dir()))


def checked_archive(project, tag):
    """(path, sha256) of the archive, after its checksum matched the SHA256SUMS line beside it."""
    archive = PROJECTS[project]['archive'].format(tag=tag)
    folder = sources_dir()
    path = os.path.join(folder, archive)
    if not os.path.isfile(path):
        raise SourceError('%s is missing: %s' % (path, how_to_get(project, tag, archive)))
    sums = os.path.join(folder, 'SHA256SUMS')
    expected = None
    if os.path.isfile(sums):
        with open(sums) as listing:
            for line in listing:
                parts = line.split()
                if len(parts) == 2 and parts[1].lstrip('*') == archive:
                    expected = parts[0]
    if expected is None:
        raise SourceError('%s has no line for %s: its checksum cannot be checked (%s)'
                          % (sums, archive, how_to_get(project, tag, archive)))
    digest = hashlib.sha256()
    with open(path, 'rb') as data:
        for block in iter(lambda: data.read(1 << 20), b''):
            digest.update(block)
    if digest.hexdigest() != expected:
        raise SourceError('%s does not match its SHA256SUMS line (%s, expected %s): fetch it again'
                          % (path, digest.hexdigest(), expected))
    return path, expected


def missing_build_packages():
    missing = []
    for package in BUILD_PACKAGES:
        state = subprocess.run(['dpkg-query', '-W', '-f=${Status}', package], capture_output=True, text=True, check=False)
        if 'install ok installed' not in state.stdout:
            missing.append(package)
    return missing


def build(project, tag, path, go_root, work, binaries):
    """Unpacks the archive at `path` (checked_archive) in `work` and builds the project's binaries into `binaries`."""
    spec = PROJECTS[project]
    with tarfile.open(path) as archive:
        if hasattr(tarfile, 'data_filter'):
            archive.extractall(work, filter='tar')  # Python 3.12+ warns without a filter
        else:
            archive.extractall(work)
    tree = os.path.join(work, spec['archive'].format(tag=tag)[:-len('.tar.xz')])
    environment = dict(
        os.environ, GOROOT=go_root, PATH='%s/bin:%s' % (go_root, os.environ.get('PATH', '/usr/bin:/bin')),
        # The local toolchain and the vendored modules only: nothing is downloaded.
        GOTOOLCHAIN='local', GOFLAGS='-mod=vendor', GOPROXY='off', GOCACHE=os.path.join(work, 'gocache'),
        GOPATH=os.path.join(work, 'gopath'), CGO_ENABLED='1' if spec['cgo'] else '0')
    ldflags = spec['ldflags'].format(tag=tag, version=release_of(tag))
    for binary, package in spec['packages'].items():
        command = ['go', 'build', '-trimpath', '-tags', spec['tags'], '-ldflags', ldflags,
                   '-o', os.path.join(binaries, binary), package]
        if spec.get('buildmode'):
            command[2:2] = ['-buildmode=' + spec['buildmode']]
        result = subprocess.run(command, cwd=tree, env=environment, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise SourceError('building %s from %s failed: %s' % (binary, path, (result.stderr or result.stdout).strip()[-1500:]))
    shutil.rmtree(tree)
