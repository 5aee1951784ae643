"""Offline stand-in for ansible-test's pip bootstrap script.

ansible-test downloads a get-pip script from a host this machine cannot reach before it installs
the sanity tools into its own virtual environments. `make sanity` puts this file where ansible-test
caches that script. It does the same job with what is reachable: ensurepip from the interpreter,
then the requested pip version from the package index.
"""
import subprocess
import sys

# ansible-test passes pip options plus pinned packages (pip==X, setuptools==Y, ...).
arguments = [argument for argument in sys.argv[1:] if argument not in ('--no-setuptools', '--no-wheel')]
subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--quiet'] + arguments)
