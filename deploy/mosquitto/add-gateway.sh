#!/bin/sh
# Give one gateway (a Pi) its own broker account, allowed to publish only its own
# home's readings and status. Prints the password once; keep it only on that Pi.
#
#   add-gateway.sh [--dir DIR] HOME GATEWAY
#
# DIR holds Mosquitto's `passwd` and `acl` (default /etc/mosquitto/carewatch).
# The password is generated unless CAREWATCH_GATEWAY_PASSWORD is set (avoid putting it on
# a command line). The broker account is the gateway id, so gateway ids must be unique
# across the deployment. Needs mosquitto_passwd (Debian package `mosquitto`).
# Then reload the broker: systemctl reload mosquitto (SIGHUP re-reads passwd and acl).
set -eu

dir=/etc/mosquitto/carewatch
if [ "${1:-}" = "--dir" ]; then
    dir=$2
    shift 2
fi
if [ $# -ne 2 ]; then
    echo "usage: $0 [--dir DIR] HOME GATEWAY" >&2
    exit 2
fi
home=$1
gateway=$2

# Ids are pseudonyms (docs/protocol.md); the same check keeps ACL lines well formed.
for id in "$home" "$gateway"; do
    if ! printf '%s' "$id" | grep -Eqx '[a-z0-9][a-z0-9-]{0,63}'; then
        echo "$0: '$id' is not a CareWatch id ([a-z0-9][a-z0-9-]{0,63})" >&2
        exit 2
    fi
done
case $gateway in
    ingest | api | ingest-*)
        echo "$0: '$gateway' is a service account, not a gateway id" >&2
        exit 2
        ;;
esac

passwd_file=$dir/passwd
acl_file=$dir/acl
if [ ! -f "$acl_file" ]; then
    echo "$0: $acl_file not found: copy deploy/mosquitto/carewatch.acl there first" >&2
    exit 1
fi
if grep -qx "user $gateway" "$acl_file" ||
    { [ -f "$passwd_file" ] && grep -q "^$gateway:" "$passwd_file"; }; then
    echo "$0: broker account '$gateway' exists already (remove-gateway.sh to replace it)" >&2
    exit 1
fi

password=${CAREWATCH_GATEWAY_PASSWORD:-$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32)}
create=""
[ -f "$passwd_file" ] || create="-c"
# shellcheck disable=SC2086  # $create is empty or one flag
mosquitto_passwd $create -b "$passwd_file" "$gateway" "$password"

cat >>"$acl_file" <<ACL

# gateway $gateway of home $home
user $gateway
topic write carewatch/v1/$home/$gateway/readings
topic write carewatch/v1/$home/$gateway/status
topic read carewatch/v1/$home/$gateway/acks
ACL

echo "gateway $gateway of home $home added to $dir; reload Mosquitto to apply."
echo "On the Pi, /etc/carewatch/gateway.toml (or the password as CAREWATCH_GATEWAY_MQTT_PASSWORD):"
cat <<TOML
[gateway]
id = "$gateway"
home = "$home"
# and tz, data_dir and the sensor sources: see deploy/gateway.example.toml

[mqtt]
url = "mqtts://<broker host>:8883"
username = "$gateway"
password = "$password"
ca_file = "/etc/carewatch/ca.crt"
TOML
