# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""make test's sandbox hosts: every file a module imports from AnsiballZ's zip compiles once, not twice.

Test infrastructure, never shipped: tests/fleet/python-compile-once puts this folder on PYTHONPATH
for the interpreter of make test's fleets. Python's zipimport compiles each file twice (its
find_spec asks get_filename, which loads and so compiles the code, and loading compiles it again,
CPython 3.8 to 3.13), and AnsiballZ ships ansible's module_utils as source, which its wrapper imports
before any module of ours runs: so every task of every target paid for compiling ansible.module_utils
twice on every host. Measured with callgrind on the node, ansible.builtin.ping's run went from 1.07
to 0.74 billion instructions. make test is CPU-bound on two cores, so that is CI time.

What a module does is unchanged: the spec is the one zipimport's own find_spec builds (same loader,
origin, package path, __file__), only without the compile inside get_filename. The collection's own
plugins/module_utils/_compile_once does the same for its own files on every host; this covers the
rest on the test hosts only, so the demo and the benchmarks (bench/) run on a plain interpreter.
"""

import os
import zipimport
from importlib.machinery import ModuleSpec

HERE = os.path.dirname(os.path.abspath(__file__))


def _without_this_folder():
    """Processes a module starts (pip, another Python) see PYTHONPATH as it was before the wrapper."""
    kept = [entry for entry in os.environ.get('PYTHONPATH', '').split(os.pathsep) if entry and os.path.abspath(entry) != HERE]
    if kept:
        os.environ['PYTHONPATH'] = os.pathsep.join(kept)
    else:
        os.environ.pop('PYTHONPATH', None)


def _files(importer):
    """The zip's table of contents as zipimport keeps it (a method from 3.13, an attribute before)."""
    if hasattr(importer, '_get_files'):
        return importer._get_files()
    return getattr(importer, '_files', None)


def _install():
    original = zipimport.zipimporter.find_spec
    module_info = getattr(zipimport, '_get_module_info', None)
    module_path = getattr(zipimport, '_get_module_path', None)
    if module_info is None or module_path is None:
        return  # another Python's zipimport: leave it as it is

    def find_spec(self, fullname, target=None):
        is_package = module_info(self, fullname)
        if is_package is None:
            # Not in the zip, asked for every import while the zip is first on sys.path: zipimport's
            # own answer (a namespace portion or nothing), without reading the table of contents here.
            return original(self, fullname, target)
        files = _files(self)
        path = module_path(self, fullname)
        source = path + (os.sep + '__init__.py' if is_package else '.py')
        if files is None or source not in files:
            return original(self, fullname, target)  # bytecode in the zip: zipimport's own way
        spec = ModuleSpec(fullname, self, origin=self.archive + os.sep + source, is_package=is_package)
        if is_package:
            spec.submodule_search_locations = [self.archive + os.sep + path]
        spec.has_location = True
        return spec

    zipimport.zipimporter.find_spec = find_spec


_without_this_folder()
_install()
