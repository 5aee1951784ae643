#!/usr/bin/env bash
# Connection settings, as community.docker users expect them, against a real TLS daemon: h1's dockerd
# gets a TLS listener on its fleet address (certificates made for this run only, removed at the end),
# and the modules run on h2 pointed at it - through the inventory variables of the shipped playbooks
# (fleetnet_docker_*, playbook fleetnet.docker.site) and through DOCKER_HOST, DOCKER_TLS_VERIFY,
# DOCKER_CERT_PATH and DOCKER_TLS_HOSTNAME. A network made that way must show on h1's daemon and not on
# h2's; a plain-HTTP request to the listener must get no API answer.
# The runner shape of every target: docs/testing.md (the runner plays cleanup.yml before and after).
# $inventory, $here, $repo, $state and errexit come from lib/target.sh:
# shellcheck source=../../lib/target.sh disable=SC2154,SC2164
source "$(dirname "$0")/../../lib/target.sh"
h1_address=$(sed -n 's/^h1 ansible_host=\([^ ]*\).*/\1/p' "$inventory")
h1_socket="unix://$state/hosts/h1/run/docker.sock"
h2_socket="unix://$state/hosts/h2/run/docker.sock"
certs=$state/connection-tls
# The name in the daemon's certificate: not its address, so only DOCKER_TLS_HOSTNAME (or
# fleetnet_docker_tls_hostname) makes the hostname check pass.
server_name=dockerd-h1.fleet.test


echo "== certificates for this run: a CA, the daemon's ($server_name), a client's, and a CA nobody uses"
rm -rf "$certs" && mkdir -p "$certs/client" "$certs/wrong-ca" && chmod 700 "$certs"
cd "$certs"
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=fleetnet test CA" -keyout ca-key.pem -out ca.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=$server_name" -keyout server-key.pem -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:%s\nextendedKeyUsage=serverAuth\n' "$server_name" >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 1 -extfile server.ext -out server.pem 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=fleetnet test client" -keyout client/key.pem -out client.csr 2>/dev/null
printf 'extendedKeyUsage=clientAuth\n' >client.ext
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca-key.pem -CAcreateserial -days 1 -extfile client.ext -out client/cert.pem 2>/dev/null
cp ca.pem client/ca.pem
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=another CA" -keyout wrong-ca/ca-key.pem -out wrong-ca/ca.pem 2>/dev/null
cp client/cert.pem client/key.pem wrong-ca/
cd "$here"

echo "== h1's dockerd listens with TLS (client certificates required) on $h1_address:2376"
printf '%s\n' "--host=tcp://$h1_address:2376" --tlsverify "--tlscacert=$certs/ca.pem" \
    "--tlscert=$certs/server.pem" "--tlskey=$certs/server-key.pem" >"$state/hosts/h1/dockerd.args"
fleet restart-docker h1

echo "== from this machine: plain HTTP gets no API answer, TLS with the client certificate does"
plain=$(curl -s -m 5 "http://$h1_address:2376/version" || true)
if grep -q ApiVersion <<<"$plain"; then echo "plain HTTP was answered: $plain" >&2; exit 1; fi
echo "plain HTTP: ${plain:-connection closed}"
curl -s -m 5 --cacert "$certs/ca.pem" --cert "$certs/client/cert.pem" --key "$certs/client/key.pem" \
    --resolve "$server_name:2376:$h1_address" "https://$server_name:2376/version" | grep -q ApiVersion
if curl -s -m 5 --cacert "$certs/ca.pem" --resolve "$server_name:2376:$h1_address" "https://$server_name:2376/version" | grep -q ApiVersion; then
    echo "the daemon answered a client without a certificate" >&2; exit 1
fi

export CONNECTION_CERTS=$certs CONNECTION_SERVER_NAME=$server_name CONNECTION_H1=$h1_address
extra_inventory=$certs/h2-connection.yml
cat >"$extra_inventory" <<YAML
all:
  hosts:
    h2:
      fleetnet_docker_host: tcp://$h1_address:2376
      fleetnet_docker_validate_certs: true
      fleetnet_docker_tls_hostname: $server_name
      fleetnet_docker_ca_path: $certs/client/ca.pem
      fleetnet_docker_client_cert: $certs/client/cert.pem
      fleetnet_docker_client_key: $certs/client/key.pem
YAML

site() {
    ansible-playbook -i "$inventory" -i "$extra_inventory" --limit h2 \
        -e '{"fleetnet_bridge_networks": [{"name": "conn-inventory", "subnets": [{"subnet": "10.242.7.0/24"}]}]}' \
        "$@" fleetnet.docker.site | tee "$certs/site.log"
    grep -q '^h2 .*failed=0' "$certs/site.log"
}
changed_on_h2() { grep -Eo '^h2 .*changed=[0-9]+' "$certs/site.log" | grep -Eo '[0-9]+$'; }
on_h1() { docker -H "$h1_socket" network ls --format '{{.Name}}' | grep -qx "$1"; }
on_h2() { docker -H "$h2_socket" network ls --format '{{.Name}}' | grep -qx "$1"; }

echo "== fleetnet.docker.site on h2 with h2's fleetnet_docker_* variables: check mode, apply, check mode, apply"
site --check
[ "$(changed_on_h2)" -ge 1 ] || { echo "check mode reported no change" >&2; exit 1; }
if on_h1 conn-inventory; then echo "check mode made the network" >&2; exit 1; fi
site
on_h1 conn-inventory || { echo "conn-inventory is not on h1's daemon" >&2; exit 1; }
if on_h2 conn-inventory; then echo "conn-inventory went to h2's own daemon" >&2; exit 1; fi
site --check
[ "$(changed_on_h2)" = 0 ] || { echo "second check mode run reported a change" >&2; exit 1; }
site
[ "$(changed_on_h2)" = 0 ] || { echo "second run changed something" >&2; exit 1; }

echo "== the DOCKER_* environment variables on the managed node"
playbook environment.yml
on_h1 conn-environment || { echo "conn-environment is not on h1's daemon" >&2; exit 1; }
on_h1 conn-tls-only || { echo "conn-tls-only is not on h1's daemon" >&2; exit 1; }
if on_h2 conn-environment || on_h2 conn-tls-only; then echo "a network went to h2's own daemon" >&2; exit 1; fi
echo "connection: all checks passed"
