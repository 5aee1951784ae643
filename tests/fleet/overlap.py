"""Print what on this machine uses addresses of a subnet (from `ip -j addr` and `ip -j route` on stdin).

Usage: { ip -j -4 addr show; echo; ip -j -4 route show table all; } | python3 overlap.py SUBNET OUR_BRIDGE
Prints nothing when the subnet is free. The fleet's own bridge does not count.
"""
import ipaddress
import json
import sys

subnet = ipaddress.ip_network(sys.argv[1])
our_bridge = sys.argv[2]
found = []
documents = [part for part in sys.stdin.read().split('\n\n') if part.strip()]
addresses = json.loads(documents[0]) if documents else []
routes = json.loads(documents[1]) if len(documents) > 1 else []
for link in addresses:
    if link.get('ifname') == our_bridge:
        continue
    for info in link.get('addr_info', []):
        network = ipaddress.ip_interface('%s/%s' % (info['local'], info['prefixlen'])).network
        if network.overlaps(subnet):
            found.append('address %s/%s on %s' % (info['local'], info['prefixlen'], link.get('ifname')))
for route in routes:
    if route.get('dev') == our_bridge or route.get('dst') in (None, 'default'):
        continue
    try:
        destination = ipaddress.ip_network(route['dst'] if '/' in route['dst'] else route['dst'] + '/32', strict=False)
    except ValueError:
        continue
    if destination.overlaps(subnet):
        found.append('route %s dev %s' % (route['dst'], route.get('dev', '?')))
print('; '.join(found))
