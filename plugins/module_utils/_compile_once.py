# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compile each of the collection's module_utils once, not twice, when a module runs from AnsiballZ's zip.

Why: Ansible sends a module and the module_utils it imports to the managed node as source inside a zip,
so every run compiles what it imports. Python's zipimport compiles each file twice: to find a module the
import system asks the zipimporter for the file's name, and zipimporter.get_filename works that out by
loading, and so compiling, the code; loading the module then compiles it again (CPython 3.8 to 3.13).
For a bridge_networks no-op at 100 networks the second compile was about a quarter of what the run costs
the node beyond ansible.builtin.ping (bench/README.md, issue 16).

install() puts a finder at the front of sys.meta_path. For a module (not a package) of this collection's
module_utils found in that zip it returns the spec zipimport would, with the file name already filled
in, so the zipimporter compiles the file once, when it loads it. Everything else goes to Python's own
finders unchanged: other names, packages (their __init__.py are empty), and files on disk (the unit
tests, a module exploded with ANSIBLE_KEEP_REMOTE_FILES, ansible-test).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys
import zipimport
from importlib.machinery import ModuleSpec

# 'ansible_collections.fleetnet.docker.plugins.module_utils.': the names the finder answers for.
_OURS = __name__.rpartition('.')[0] + '.'


def install():
    """Make the collection's later imports from AnsiballZ's zip compile once. Does nothing elsewhere."""
    loader = globals().get('__loader__')
    if not isinstance(loader, zipimport.zipimporter):
        return
    if not any(isinstance(finder, _ZippedModuleUtilsFinder) for finder in sys.meta_path):
        sys.meta_path.insert(0, _ZippedModuleUtilsFinder(loader.archive))


class _ZippedModuleUtilsFinder:
    def __init__(self, archive):
        self.archive = archive

    def find_spec(self, fullname, path=None, target=None):
        if not path or not fullname.startswith(_OURS):
            return None
        tail = fullname.rpartition('.')[2]
        for entry in path:
            importer = self._importer(entry)
            if importer is None:
                return None
            try:
                if importer.is_package(fullname):
                    return None
            except zipimport.ZipImportError:
                continue  # not in this entry of the package's path
            # A ModuleSpec made directly: importlib.util.spec_from_loader would ask get_filename (before 3.11
            # even when given the origin), which is the compile this finder saves.
            spec = ModuleSpec(fullname, importer, origin=entry + os.sep + tail + '.py')
            spec.has_location = True  # sets __file__, as zipimport's own spec does
            return spec
        return None

    def _importer(self, entry):
        """The zipimporter of a package's directory inside the zip, made and cached as Python's own would be."""
        importer = sys.path_importer_cache.get(entry)
        if importer is None and isinstance(entry, str) and entry.startswith(self.archive + os.sep):
            try:
                importer = sys.path_importer_cache[entry] = zipimport.zipimporter(entry)
            except zipimport.ZipImportError:
                return None  # Python's own finders will say what is wrong
        return importer if isinstance(importer, zipimport.zipimporter) else None
