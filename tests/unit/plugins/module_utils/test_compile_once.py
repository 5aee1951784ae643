# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""_compile_once: from a zip laid out as AnsiballZ lays it out, each of the collection's files compiles once.

Each case runs in a fresh interpreter with the zip first on sys.path (as AnsiballZ's wrapper puts it),
counting the calls of the builtin compile() per file name.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import subprocess
import sys
import zipfile

COLLECTION = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..', '..', '..'))
PACKAGE = 'ansible_collections/fleetnet/docker'

COUNT_COMPILES = r'''
import builtins, collections, importlib, json, sys
sys.path.insert(0, sys.argv[1])
compiled = collections.Counter()
real_compile = builtins.compile
def counting_compile(source, filename, *args, **kwargs):
    compiled[filename] += 1
    return real_compile(source, filename, *args, **kwargs)
builtins.compile = counting_compile
module = importlib.import_module(sys.argv[2])
if sys.argv[3] == 'install':
    from ansible_collections.fleetnet.docker.plugins.module_utils import _compile_once
    _compile_once.install()
    module = importlib.import_module(sys.argv[4])
prefix = sys.argv[1] + '/'
print(json.dumps(dict(
    compiled={name[len(prefix):]: count for name, count in compiled.items() if name.startswith(prefix)},
    file=module.__file__, loader=type(module.__loader__).__name__, run=module.__name__)))
'''


def zipped_collection(tmp_path):
    """The collection's plugins as source in a zip, with the packages' __init__.py AnsiballZ adds."""
    archive = str(tmp_path / 'payload.zip')
    with zipfile.ZipFile(archive, 'w') as payload:
        for package in ('ansible_collections', 'ansible_collections/fleetnet', PACKAGE):
            payload.writestr(package + '/__init__.py', '')
        for folder, dummy, files in os.walk(os.path.join(COLLECTION, 'plugins')):
            inside = PACKAGE + '/' + os.path.relpath(folder, COLLECTION)
            if '__init__.py' not in files:
                payload.writestr(inside + '/__init__.py', '')
            for name in files:
                if name.endswith('.py'):
                    payload.write(os.path.join(folder, name), inside + '/' + name)
    return archive


def imported_from(archive, first, then=None):
    argv = [sys.executable, '-c', COUNT_COMPILES, archive, first, 'install' if then else 'plain', then or '']
    # ansible from where the tests have it; the collection only from the zip.
    paths = [path for path in sys.path if path and not os.path.isdir(os.path.join(path, 'ansible_collections', 'fleetnet'))]
    done = subprocess.run(argv, capture_output=True, text=True, check=False, cwd=os.path.dirname(archive),
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(paths)))
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def modules_compiled(result):
    return {name: count for name, count in result['compiled'].items() if not name.endswith('__init__.py')}


def test_without_it_zipimport_compiles_each_file_twice(tmp_path):
    # Why the finder exists; if a Python stops doing this, the finder is no longer needed.
    result = imported_from(zipped_collection(tmp_path), PACKAGE.replace('/', '.') + '.plugins.module_utils._engine.plan')
    assert result['compiled'] and set(modules_compiled(result).values()) == {2}


def test_a_network_module_compiles_each_of_the_collections_files_once(tmp_path):
    result = imported_from(zipped_collection(tmp_path), PACKAGE.replace('/', '.') + '.plugins.modules.bridge_networks')
    compiled = modules_compiled(result)
    ours = [name for name in compiled if '/module_utils/' in name]
    # The module itself and _compile_once are found before the finder is there: twice, as before.
    assert {name: count for name, count in compiled.items() if count != 1} == {
        PACKAGE + '/plugins/modules/bridge_networks.py': 2, PACKAGE + '/plugins/module_utils/_compile_once.py': 2}
    assert PACKAGE + '/plugins/module_utils/_engine/plan.py' in ours and len(ours) > 10


def test_a_module_found_by_the_finder_is_the_one_zipimport_would_give(tmp_path):
    archive = zipped_collection(tmp_path)
    name = PACKAGE.replace('/', '.') + '.plugins.module_utils._ipam'
    plain = imported_from(archive, name)
    found = imported_from(archive, PACKAGE.replace('/', '.') + '.plugins.module_utils._journal', then=name)
    assert found['run'] == plain['run'] == name
    assert found['file'] == plain['file'] == os.path.join(archive, PACKAGE, 'plugins/module_utils/_ipam.py')
    assert found['loader'] == plain['loader'] == 'zipimporter'
    assert found['compiled'][PACKAGE + '/plugins/module_utils/_ipam.py'] == 1


def test_from_files_on_disk_it_changes_nothing(tmp_path):
    script = ('import sys\nfrom ansible_collections.fleetnet.docker.plugins.module_utils import _compile_once\n'
              'before = list(sys.meta_path)\n_compile_once.install()\nprint(sys.meta_path == before)')
    done = subprocess.run([sys.executable, '-c', script], capture_output=True, text=True, check=False,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == 'True'


def test_a_name_the_zip_does_not_have_is_still_not_found(tmp_path):
    archive = zipped_collection(tmp_path)
    script = ('import sys\nsys.path.insert(0, sys.argv[1])\n'
              'from ansible_collections.fleetnet.docker.plugins.module_utils import _compile_once\n'
              '_compile_once.install()\n'
              'try:\n    import ansible_collections.fleetnet.docker.plugins.module_utils._no_such_file\n'
              'except ImportError as error:\n    print(type(error).__name__, error.name)\n')
    done = subprocess.run([sys.executable, '-c', script, archive], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ['ModuleNotFoundError', 'ansible_collections.fleetnet.docker.plugins.module_utils._no_such_file']
