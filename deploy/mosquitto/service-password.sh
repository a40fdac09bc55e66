#!/bin/sh
# Set the broker password of a CareWatch service account (`ingest` or `api`), whose
# topics carewatch.acl already grants. Prints the password once, for the service's
# environment file (CAREWATCH_INGEST_BROKER_URL / CAREWATCH_API_BROKER_URL).
#
#   service-password.sh [--dir DIR] ingest|api
#
# The password is generated unless CAREWATCH_SERVICE_PASSWORD is set.
set -eu

dir=/etc/mosquitto/carewatch
if [ "${1:-}" = "--dir" ]; then
    dir=$2
    shift 2
fi
if [ $# -ne 1 ]; then
    echo "usage: $0 [--dir DIR] ingest|api" >&2
    exit 2
fi
service=$1
case $service in
    ingest | api) ;;
    *)
        echo "$0: '$service' is not a service account (ingest or api)" >&2
        exit 2
        ;;
esac
passwd_file=$dir/passwd
password=${CAREWATCH_SERVICE_PASSWORD:-$(LC_ALL=C tr -dc 'A-Za-z0-9' </dev/urandom | head -c 32)}
create=""
[ -f "$passwd_file" ] || create="-c"
# shellcheck disable=SC2086  # $create is empty or one flag
mosquitto_passwd $create -b "$passwd_file" "$service" "$password"
echo "broker password of '$service' set in $passwd_file; reload Mosquitto to apply."
echo "  mqtts://$service:$password@<broker host>:8883  (or mqtt://…@127.0.0.1:1883 on the broker host)"
