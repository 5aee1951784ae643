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
                mac=endpoint.get('MacAddress') if running else None,
            )
            if running:
                interfaces[name] = macs.get(endpoint.get('MacAddress'))
        result[container['Name'].lstrip('/')] = dict(running=running, networks=networks, interfaces=interfaces)
    json.dump(result, sys.stdout, sort_keys=True)


if __name__ == '__main__':
    os.environ.setdefault('LC_ALL', 'C')
    main(sys.argv[1:])
