"""Why an integration target failed, as one line for the summaries.

CI shows only the start and the end of `make test`'s output, so the summaries at the end must say
why a target failed: the task and the start of its error, not just the target's name.
"""
import json
import re

# Ansible's failed task ("fatal: [h1]: FAILED! => ...", "failed: [h1] (item=x) => ...") and a
# playbook that does not parse ("ERROR! ..."). A shell check of runme.sh that fails prints its own
# words and exits: then the last line of the output says why.
# ansible-core 2.19+ also prints "[ERROR]: Task failed: ..." before a task's fatal line: that one
# is left to the fatal line (it may be ignored); other "[ERROR]:" lines end the run.
FAILURE = re.compile(r'^(fatal: \[|failed: \[|ERROR! |\[ERROR\]: (?!Task failed))')
COLOUR = re.compile(r'\x1b\[[0-9;]*m')
TASK = re.compile(r'^TASK \[(?P<name>.*)\] \**$')
RECAP = re.compile(r'^PLAY RECAP \**$')
RECAP_HOST = re.compile(r'^\S+ +: ok=\d+ .*unreachable=(?P<unreachable>\d+) +failed=(?P<failed>\d+)')
LONGEST = 400


class WhyFailed:
    """Fed a target's output line by line. The last failure counts, not the first: a failure that a
    block's rescue handled comes before the one that ended the run; one followed by "...ignoring"
    does not count, nor one of a playbook whose recap says no host failed (a rescue handled it):
    a shell check that fails after such a playbook is then told by its own last line."""

    def __init__(self):
        self.task = None
        self.pending = None
        self.body = None
        self.failure = None
        self.last = None
        self.in_recap = False
        self.recap_failed = False

    def feed(self, line):
        raw = COLOUR.sub('', line).rstrip()
        line = raw.strip()
        if not line:
            return
        self.last = line[:LONGEST]
        if self.body is not None:
            # The result of a failure, printed as indented JSON: up to the "}" in the first column.
            self.body.append(raw)
            if raw == '}':
                self.pending += ' ' + self._short(self.body)
                self.body = None
            return
        if self.pending is not None:
            if line != '...ignoring':
                self.failure = self.pending[:LONGEST]
            self.pending = None
        if self._recap(line):
            return
        task = TASK.match(line)
        if task:
            self.task = task.group('name')
        elif FAILURE.match(line):
            where = 'task "%s": ' % self.task if self.task and line.startswith(('fatal', 'failed')) else ''
            if line.endswith('=> {'):
                self.pending, self.body = where + line[:-1].rstrip(), ['{']
            else:
                self.pending = where + line

    def _recap(self, line):
        """Follow a PLAY RECAP; at its end, forget the failures of a playbook that failed on no host."""
        if RECAP.match(line):
            self.in_recap, self.recap_failed = True, False
            return True
        if not self.in_recap:
            return False
        host = RECAP_HOST.match(line)
        if host:
            self.recap_failed |= int(host.group('failed')) > 0 or int(host.group('unreachable')) > 0
            return True
        self.in_recap = False
        if not self.recap_failed:
            self.failure = None
        # What follows is another playbook or a shell check: no task of this one is running.
        self.task = None
        return False

    @staticmethod
    def _short(body):
        """The result's msg when it has one, else the result on one line."""
        text = '\n'.join(body)
        try:
            result = json.loads(text)
        except ValueError:
            return ' '.join(text.split())
        if isinstance(result, dict) and result.get('msg'):
            return 'msg: %s' % result['msg']
        return json.dumps(result, sort_keys=True)

    def reason(self):
        """The last failure (also when it ended the output), else the output's last line."""
        if self.pending is not None:
            self.failure, self.pending = self.pending[:LONGEST], None
        if self.failure:
            return self.failure
        return 'last line: %s' % self.last if self.last else 'no output'
