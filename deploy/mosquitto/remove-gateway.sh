#!/bin/sh
# Revoke one gateway's broker account (a lost or replaced Pi): deletes its password
# and its ACL block. Other gateways are untouched.
#
#   remove-gateway.sh [--dir DIR] GATEWAY
#
# Then reload the broker: systemctl reload mosquitto. A connected session keeps running
# until it reconnects, so restart Mosquitto instead to cut it off at once.
set -eu

dir=/etc/mosquitto/carewatch
if [ "${1:-}" = "--dir" ]; then
    dir=$2
    shift 2
fi
if [ $# -ne 1 ]; then
    echo "usage: $0 [--dir DIR] GATEWAY" >&2
    exit 2
fi
gateway=$1
if ! printf '%s' "$gateway" | grep -Eqx '[a-z0-9][a-z0-9-]{0,63}'; then
    echo "$0: '$gateway' is not a CareWatch id" >&2
    exit 2
fi
acl_file=$dir/acl
if ! grep -qx "user $gateway" "$acl_file"; then
    echo "$0: no gateway '$gateway' in $acl_file" >&2
    exit 1
fi

# Drop the block add-gateway.sh wrote: its comment, `user` line and topic lines.
tmp=$(mktemp "$acl_file.XXXXXX")
awk -v gw="$gateway" '
    $0 ~ "^# gateway " gw " of home " { skip = 1; next }
    skip && ($0 == "user " gw || $0 ~ "^topic ") { next }
    { skip = 0; print }
' "$acl_file" >"$tmp"
cat "$tmp" >"$acl_file"  # keeps the file's owner and mode
rm -f "$tmp"
mosquitto_passwd -D "$dir/passwd" "$gateway"
echo "gateway $gateway removed from $dir; reload Mosquitto to apply."
