# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Make ``ansible_collections.fleetnet.docker`` importable for plain pytest (``make unit``).

ansible-test sets up the collection loader itself; plain pytest does not, and it resolves
the build/collections link back to the working tree, so nothing above this file is named
ansible_collections. Put the folder that holds the link on sys.path when needed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import sys

try:
    import ansible_collections.fleetnet.docker  # noqa: F401 pylint: disable=unused-import
except ImportError:
    _REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    _CANDIDATES = os.environ.get('ANSIBLE_COLLECTIONS_PATH', '').split(os.pathsep)
    _CANDIDATES.append(os.path.join(_REPO, 'build', 'collections'))
    for _path in _CANDIDATES:
        if _path and os.path.isdir(os.path.join(_path, 'ansible_collections', 'fleetnet', 'docker')):
            sys.path.insert(0, _path)
            break
