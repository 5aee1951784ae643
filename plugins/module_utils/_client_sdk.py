# -*- coding: utf-8 -*-
# Copyright (c) fleetnet.docker contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the collection needs to know about the installed Docker SDK for Python, without importing it.

Private to this collection; _client.py re-exports these (the SDK itself is imported there, on first use).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import inspect

from ansible_collections.fleetnet.docker.plugins.module_utils._client_options import MINIMUM_SDK_VERSION
from ansible_collections.fleetnet.docker.plugins.module_utils._engine_versions import version_tuple


def compare_version(v1, v2):
    """As the SDK's docker.utils.compare_version: 1 when v2 is newer than v1, 0 when equal, -1 when older."""
    first, second = version_tuple(v1), version_tuple(v2)
    return (second > first) - (second < first)


def sdk_compatibility_problem(sdk_version, requests_version, urllib3_version):
    """Why this SDK cannot work with the installed requests or urllib3, or None.

    SDKs before 7.1 fail on every request with requests 2.32 or newer ("Not supported URL scheme
    http+docker"), and before 6.1 with urllib3 2; distributions ship them with older ones.
    """
    sdk = version_tuple(sdk_version)
    if sdk < version_tuple(MINIMUM_SDK_VERSION):
        return 'is version %s; fleetnet.docker needs %s or newer' % (sdk_version, MINIMUM_SDK_VERSION)
    if sdk < (7, 1) and requests_version and version_tuple(requests_version) >= (2, 32):
        return 'is version %s, which does not work with requests %s (2.32 or newer needs the SDK 7.1 or newer)' \
            % (sdk_version, requests_version)
    if sdk < (6, 1) and urllib3_version and version_tuple(urllib3_version) >= (2,):
        return 'is version %s, which does not work with urllib3 %s (urllib3 2 needs the SDK 6.1 or newer)' \
            % (sdk_version, urllib3_version)
    return None


def _installed_version(package):
    try:
        return __import__(package).__version__
    except (ImportError, AttributeError):
        return None


def accepts_parameter(method, parameter):
    """Whether an SDK method takes the keyword ``parameter`` (older SDKs lack some)."""
    try:
        return parameter in inspect.signature(method).parameters
    except (TypeError, ValueError):
        return False


_ADAPTER = []


def _hostname_adapter_class():
    """HostnameAdapter, made on first use: it subclasses requests' HTTPAdapter, which comes with the SDK."""
    if _ADAPTER:
        return _ADAPTER[0]
    from requests.adapters import HTTPAdapter

    class HostnameAdapter(HTTPAdapter):
        """HTTPS to the daemon, checking its certificate against ``hostname`` rather than the URL's host.

        tls_hostname (DOCKER_TLS_HOSTNAME): the SDK 7 dropped assert_hostname, so the check is set on the
        connection pools here, the same way on every SDK version.
        """

        def __init__(self, hostname, **kwargs):
            self.tls_hostname = hostname
            super(HostnameAdapter, self).__init__(**kwargs)

        def init_poolmanager(self, *args, **kwargs):
            kwargs['assert_hostname'] = self.tls_hostname
            super(HostnameAdapter, self).init_poolmanager(*args, **kwargs)

    _ADAPTER.append(HostnameAdapter)
    return HostnameAdapter
