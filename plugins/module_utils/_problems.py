# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one failure type of fleetnet.docker modules, and how problems are written.

Private to this collection. A problem is a ``(subject, field, reason)`` tuple: ``subject`` is a
network name (or, for other modules, what they manage). Whatever goes wrong, before or during a
change and in any module, is raised as a ``ModuleFailure`` (or a subclass) and reported once, by
``run_module`` (_module_runner.py): ``result()`` gives what the module fails with.

This module imports nothing of the collection: the Docker client, the network engine and the other
modules all build on it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


def format_problem(host, problem, kind='network'):
    """``network "lan" on h2: subnet 10.1.0.0/24 overlaps ...`` for one (subject, field, reason) tuple."""
    subject, field, reason = problem
    return '%s "%s" on %s: %s %s' % (kind, subject, host, field, reason)


class ModuleFailure(Exception):
    """Why a run stopped, raised anywhere in planning or applying and reported once.

    Either a ``message`` (one sentence that already says where), or ``problems`` found before anything
    changed, with ``also``: lines already written (a host problem found by a preflight check).
    What had been carried out when it was raised travels with it, so that the report says it: ``done``
    (``actions`` entries), ``not_done`` (what was planned and not started) and ``changed`` (true once
    anything was done, unless given). A runner that keeps its own record adds it with ``record``.
    Further keyword arguments (``extra``) are keys of the module's result that the failure reports too
    (what a run had found before it stopped: ``before``, ``config_path``).
    """

    # What a problem's subject is, in messages: 'network "lan" on h2: ...'.
    kind = 'network'

    def __init__(self, message=None, problems=(), also=(), host=None, done=(), not_done=(), changed=None, **result):
        self.message = message
        self.problems = list(problems)
        self.also = list(also)
        self.host = host
        self.done = list(done)
        self.not_done = list(not_done)
        self._changed = changed
        # Whether a runner has said what it did: its result then lists actions, done or not (none included).
        self.recorded = False
        self.extra = result
        super(ModuleFailure, self).__init__(message)

    @property
    def changed(self):
        return bool(self.done) if self._changed is None else self._changed

    @changed.setter
    def changed(self, value):
        self._changed = value

    def record(self, done, changed=None, host=None, not_done=(), kind=None, **result):
        """Adds what the run had done before this failure reached its runner; returns self, to re-raise.

        What the failure already carries (done further down, a network put back) comes after ``done``;
        ``kind`` names what the entries of ``done`` are, when they are not networks.
        """
        self.recorded = True
        self.kind = kind or self.kind
        self.done = list(done) + self.done
        self.not_done = self.not_done + list(not_done)
        if changed is not None:
            self._changed = bool(changed) or self.changed
        self.host = self.host or host
        for key, value in result.items():
            self.extra.setdefault(key, value)
        return self

    def __str__(self):
        return self.text()

    def lines(self):
        lines = [format_problem(self.host, problem, self.kind) for problem in self.problems] + self.also
        if self.message:
            lines.append(self.message)
        return lines

    def done_text(self):
        """``network "lan" was recreated, ...``: what was done, for the message; empty when nothing was."""
        return ', '.join('%s "%s" was %s' % (self.kind, entry['name'], entry['action'])
                         for entry in self.done if 'name' in entry and 'action' in entry)

    def text(self):
        lines = self.lines()
        done = self.done_text()
        if done:
            return '%s (after %s)' % ('; '.join(lines), done)
        if self.problems or self.also:
            if len(lines) == 1:
                return lines[0] + '; nothing was changed'
            return '%d problems, nothing was changed: %s' % (len(lines), '; '.join(lines))
        return '; '.join(lines)

    def result(self):
        """What the module fails with: msg, changed, and errors, actions, not_done where there are any."""
        result = dict(self.extra)
        result.update(msg=self.text(), changed=self.changed)
        if self.problems or self.also:
            result['errors'] = self.lines()
        if self.done or self.not_done or self.recorded:
            result['actions'] = list(self.done)
        if self.done or self.not_done:
            result['not_done'] = list(self.not_done)
        if getattr(self, 'exception', None):
            result['exception'] = self.exception
        return result
