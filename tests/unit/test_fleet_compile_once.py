# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""tests/fleet/compile_once/sitecustomize.py, the interpreter of make test's hosts: from a zip laid out
as AnsiballZ's, each file compiles once and is the module zipimport alone would give.

Each case runs a fresh interpreter, with and without the folder on PYTHONPATH, counting the calls
of the builtin compile() per file name.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import py_compile
import subprocess
import sys
import zipfile

FOLDER = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', 'fleet', 'compile_once'))

IMPORT = r'''
import builtins, collections, importlib, json, os, sys
sys.path.insert(0, sys.argv[1])
compiled = collections.Counter()
real_compile = builtins.compile
def counting_compile(source, filename, *args, **kwargs):
    compiled[os.path.relpath(filename, sys.argv[1])] += 1
    return real_compile(source, filename, *args, **kwargs)
builtins.compile = counting_compile
seen = {}
for name in sys.argv[2:]:
    module = importlib.import_module(name)
    spec = module.__spec__
    seen[name] = dict(file=module.__file__, path=getattr(module, '__path__', None), origin=spec.origin,
                      locations=spec.submodule_search_locations, loader=type(module.__loader__).__name__,
                      cached=spec.cached, value=getattr(module, 'VALUE', None))
print(json.dumps(dict(compiled=compiled, seen=seen, pythonpath=os.environ.get('PYTHONPATH'))))
'''


def payload(tmp_path):
    """A package, a module, a subpackage's module and a module zipped only as bytecode."""
    archive = str(tmp_path / 'payload.zip')
    compiled = str(tmp_path / 'bytecode.pyc')
    (tmp_path / 'bytecode.py').write_text('VALUE = "bytecode"\n')
    py_compile.compile(str(tmp_path / 'bytecode.py'), cfile=compiled)
    with zipfile.ZipFile(archive, 'w') as zipped:
        zipped.writestr('pkg/__init__.py', 'VALUE = "package"\n')
        zipped.writestr('pkg/module.py', 'from pkg.sub import leaf\nVALUE = "module " + leaf.VALUE\n')
        zipped.writestr('pkg/sub/__init__.py', '')
        zipped.writestr('pkg/sub/leaf.py', 'VALUE = "leaf"\n')
        zipped.write(compiled, 'pkg/bytecode.pyc')
    return archive


def imported(archive, with_folder, *names):
    env = dict(os.environ)
    env.pop('PYTHONPATH', None)
    if with_folder:
        env['PYTHONPATH'] = FOLDER
    done = subprocess.run([sys.executable, '-c', IMPORT, archive] + list(names), capture_output=True, text=True,
                          check=False, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


NAMES = ('pkg', 'pkg.module', 'pkg.sub', 'pkg.sub.leaf', 'pkg.bytecode')


def test_without_it_zipimport_compiles_each_source_twice(tmp_path):
    # Why the folder exists; a Python that stops doing this no longer needs it.
    plain = imported(payload(tmp_path), False, *NAMES)
    assert plain['compiled'] == {'pkg/__init__.py': 2, 'pkg/module.py': 2, 'pkg/sub/__init__.py': 2, 'pkg/sub/leaf.py': 2}


def test_with_it_each_source_compiles_once(tmp_path):
    fast = imported(payload(tmp_path), True, *NAMES)
    assert fast['compiled'] == {'pkg/__init__.py': 1, 'pkg/module.py': 1, 'pkg/sub/__init__.py': 1, 'pkg/sub/leaf.py': 1}


def test_the_modules_are_the_ones_zipimport_gives(tmp_path):
    archive = payload(tmp_path)
    plain, fast = imported(archive, False, *NAMES), imported(archive, True, *NAMES)
    assert fast['seen'] == plain['seen']
    assert fast['seen']['pkg.module']['value'] == 'module leaf'
    assert fast['seen']['pkg.bytecode']['value'] == 'bytecode'
    assert fast['seen']['pkg']['path'] == [os.path.join(archive, 'pkg')]


def test_processes_started_from_it_do_not_inherit_the_folder(tmp_path):
    assert imported(payload(tmp_path), True, 'pkg')['pythonpath'] is None
