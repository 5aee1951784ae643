# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one error type of fleetnet.docker modules, and how problems are written.

Private to this collection. A problem is a ``(subject, field, reason)`` tuple: ``subject`` is a
network name (or, for other modules, what they manage). Whatever goes wrong, before or during a
change, is raised as an ``EngineError`` and turned into ``fail_json`` once, by the module's runner:
``result()`` gives the keyword arguments for it.

This module imports nothing of the collection: the Docker client, the network engine and the other
modules all build on it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def format_problem(host, problem, kind='network'):
    """``network "lan" on h2: subnet 10.1.0.0/24 overlaps ...`` for one (subject, field, reason) tuple."""
    subject, field, reason = problem
    return '%s "%s" on %s: %s %s' % (kind, subject, host, field, reason)


class EngineError(Exception):
    """Why a run stopped, raised anywhere in planning or applying and reported once.

    Either a ``message`` (one sentence that already says where), or ``problems`` found before anything
    changed, with ``also``: lines already written (a host problem found by a preflight check).
    During apply the runner adds ``done`` (the ``actions`` entries of what was carried out before the
    failure) and ``not_done`` (names of the networks whose planned change was not started).
    """

    def __init__(self, message=None, problems=(), also=(), host=None):
        self.message = message
        self.problems = list(problems)
        self.also = list(also)
        self.host = host
        self.done = []
        self.not_done = []
        super(EngineError, self).__init__(message)

    def __str__(self):
        return self.text()

    def lines(self):
        lines = [format_problem(self.host, problem) for problem in self.problems] + self.also
        if self.message:
            lines.append(self.message)
        return lines

    def text(self):
        lines = self.lines()
        if self.done:
            changed = 'after %s' % ', '.join('network "%s" was %s' % (entry['name'], entry['action'])
                                             for entry in self.done)
            return '%s (%s)' % ('; '.join(lines), changed)
        if self.problems or self.also:
            if len(lines) == 1:
                return lines[0] + '; nothing was changed'
            return '%d problems, nothing was changed: %s' % (len(lines), '; '.join(lines))
        return '; '.join(lines)

    def result(self):
        """Keyword arguments for ``fail_json``."""
        result = dict(msg=self.text(), changed=bool(self.done))
        if self.problems or self.also:
            result['errors'] = self.lines()
        if self.done or self.not_done:
            result['actions'] = list(self.done)
            result['not_done'] = list(self.not_done)
        return result
