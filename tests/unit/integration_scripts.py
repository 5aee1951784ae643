"""The integration runner's scripts (tests/integration/*.py) loaded as modules, for the unit tests."""
import importlib.util
import os
import sys

INTEGRATION = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), 'integration')
# run.py imports its neighbour why_failed.py, as it does when run as a script.
sys.path.insert(0, INTEGRATION)


def load(name):
    spec = importlib.util.spec_from_file_location('integration_' + name, os.path.join(INTEGRATION, name + '.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
