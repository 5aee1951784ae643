"""What a fault test compares before and after: every container's attachments, as the host sees them.

    python3 snapshot.py CONTAINER...   prints JSON {container: {running, networks: {...}, interfaces: {...}}}

Per network: the static address (IPAMConfig; an address the collection only pinned to keep a dynamic
address through a recreate is marked in the endpoint driver option fleetnet.docker.dynamic_address,
see docs/safety.md, and counts as dynamic), the address, the aliases (without the short id Docker
adds itself), the MAC address. ``interfaces`` maps a network to the interface name inside a running
container (found by MAC address in the container's own /sys/class/net), so the order (eth0, eth1) is
compared too.
"""
import glob
import json
import os
import subprocess
import sys


def interfaces_by_mac(pid):
    found = {}
    for path in glob.glob('/proc/%d/root/sys/class/net/*/address' % pid):
        with open(path) as handle:
            found[handle.read().strip()] = path.split('/')[-2]
    return found


def kept_mac(endpoint):
    """The MAC address where Docker keeps it through a restart of the container, else a note saying so.

    Engine 20.10 derives a dynamic MAC from the IPv4 address (02:42 + its four bytes), so it comes
    back with the address; later engines (26.1 and 28.5 in the fleet) pick a random one at each start
    of the container unless one was configured, so after a daemon restart (which restarts the
    containers) it cannot be the same, whatever the collection does.
    """
    mac = endpoint.get('MacAddress')
    address = endpoint.get('IPAddress')
    derived = address and '02:42:' + ':'.join('%02x' % int(byte) for byte in address.split('.'))
    if not mac or mac == derived:
        return mac
    return 'random at each start (engines after 20.10)'


def main(names):
    inspected = json.loads(subprocess.check_output(['docker', 'inspect'] + names))
    result = {}
    for container in inspected:
        short_id = container['Id'][:12]
        running = container['State']['Running']
        macs = interfaces_by_mac(container['State']['Pid']) if running else {}
        networks, interfaces = {}, {}
        for name, endpoint in sorted((container['NetworkSettings']['Networks'] or {}).items()):
            static = endpoint.get('IPAMConfig') or {}
            if 'ipv4' in (endpoint.get('DriverOpts') or {}).get('fleetnet.docker.dynamic_address', '').split(','):
                static = {}
            networks[name] = dict(
                static_ipv4=static.get('IPv4Address') or None,
                aliases=sorted(alias for alias in endpoint.get('Aliases') or [] if alias != short_id),
                # A stopped container has no address and no MAC until it starts: only compared when running.
                ipv4=endpoint.get('IPAddress') if running else None,
                mac=kept_mac(endpoint) if running else None,
            )
            if running:
                interfaces[name] = macs.get(endpoint.get('MacAddress'))
        result[container['Name'].lstrip('/')] = dict(running=running, networks=networks, interfaces=interfaces)
    json.dump(result, sys.stdout, sort_keys=True)


if __name__ == '__main__':
    os.environ.setdefault('LC_ALL', 'C')
    main(sys.argv[1:])
