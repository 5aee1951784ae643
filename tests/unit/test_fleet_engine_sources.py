"""The sandbox fleet's engines built from source (tests/fleet/engine.py, engine_source.py): the table's
source lines, the archive checks that run before any download or build, and the per-binary versions."""
import hashlib
import os
import sys

import pytest

FLEET = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'fleet')
sys.path.insert(0, FLEET)

import engine  # noqa: E402  pylint: disable=wrong-import-position
import engine_source  # noqa: E402  pylint: disable=wrong-import-position


def archive_folder(tmp_path, content=b'moby source', listed=True, digest=None):
    (tmp_path / 'moby-docker-v29.7.2.tar.xz').write_bytes(content)
    if listed:
        digest = digest or hashlib.sha256(content).hexdigest()
        (tmp_path / 'SHA256SUMS').write_text('%s  moby-docker-v29.7.2.tar.xz\n' % digest)
    return str(tmp_path)


def test_engine_29_is_built_from_moby_and_runc_sources_with_debians_containerd_and_cli():
    entries = engine.load_table()['29.7']
    built = dict((entry['package'], entry) for entry in entries if entry['suite'] == 'source')
    assert built['moby']['version'] == 'docker-v29.7.2' and built['moby']['files'] == ['dockerd', 'docker-proxy']
    assert built['runc']['version'] == 'v1.3.3'
    assert sorted(engine.expected_files(entries)) == sorted(
        ['containerd', 'containerd-shim-runc-v2', 'docker', 'docker-init', 'docker-proxy', 'dockerd', 'runc'])


def test_a_source_tag_names_its_release():
    assert engine.upstream('docker-v29.7.2') == '29.7.2'
    assert engine.upstream('v1.3.3') == '1.3.3'
    assert engine.upstream('28.5.2+dfsg4-5') == '28.5.2'


def test_an_archive_that_matches_its_checksum_is_taken(tmp_path, monkeypatch):
    monkeypatch.setenv('FLEET_SOURCES', archive_folder(tmp_path))
    path, digest = engine_source.checked_archive('moby', 'docker-v29.7.2')
    assert path == str(tmp_path / 'moby-docker-v29.7.2.tar.xz')
    assert digest == hashlib.sha256(b'moby source').hexdigest()


def test_a_missing_archive_says_where_and_how_to_get_it(tmp_path, monkeypatch):
    monkeypatch.setenv('FLEET_SOURCES', str(tmp_path))
    with pytest.raises(engine_source.SourceError) as error:
        engine_source.checked_archive('moby', 'docker-v29.7.2')
    message = str(error.value)
    assert 'moby-docker-v29.7.2.tar.xz is missing' in message
    assert 'github.com/moby/moby' in message and 'git archive --prefix=moby-docker-v29.7.2/ docker-v29.7.2' in message
    assert 'FLEET_SOURCES' in message


def test_an_archive_without_a_checksum_line_or_with_another_checksum_is_refused(tmp_path, monkeypatch):
    monkeypatch.setenv('FLEET_SOURCES', archive_folder(tmp_path, listed=False))
    with pytest.raises(engine_source.SourceError, match='has no line for moby-docker-v29.7.2.tar.xz'):
        engine_source.checked_archive('moby', 'docker-v29.7.2')
    monkeypatch.setenv('FLEET_SOURCES', archive_folder(tmp_path, digest='0' * 64))
    with pytest.raises(engine_source.SourceError, match='does not match its SHA256SUMS line'):
        engine_source.checked_archive('moby', 'docker-v29.7.2')


def test_a_source_engine_with_a_missing_archive_fails_before_any_download(tmp_path, monkeypatch):
    monkeypatch.setenv('FLEET_SOURCES', str(tmp_path))
    downloads = []
    monkeypatch.setattr(engine, 'apt_update', downloads.append)
    with pytest.raises(engine.EngineError, match='is missing'):
        engine.fetch(engine.load_table()['29.7'], str(tmp_path / 'target'))
    assert not downloads


def test_each_binary_is_checked_against_the_release_of_its_own_line(tmp_path):
    """Engine 29's docker CLI is Debian's 28.5: the CLI must say 28.5.2, dockerd 29.7.2."""
    entries = [dict(suite='source', package='moby', version='docker-v29.7.2', files=['dockerd']),
               dict(suite='sid', package='docker-cli', version='28.5.2+dfsg4-5', files=['usr/bin/docker'])]
    for name, says in (('dockerd', 'Docker version 29.7.2, build x'), ('docker', 'Docker version 28.5.2, build y')):
        script = tmp_path / name
        script.write_text('#!/bin/sh\necho "%s"\n' % says)
        script.chmod(0o755)
    engine.check('29.7', entries, str(tmp_path))
    (tmp_path / 'docker').write_text('#!/bin/sh\necho "Docker version 29.7.2, build y"\n')
    with pytest.raises(engine.EngineError, match='docker is not 28.5.2'):
        engine.check('29.7', entries, str(tmp_path))


def test_only_packaged_engines_are_listed_for_the_demo(capsys):
    engine.main(['engine.py', 'list', '--packaged'])
    packaged = capsys.readouterr().out.split()
    assert '29.7' not in packaged and '28.5' in packaged
