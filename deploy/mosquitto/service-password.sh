#!/bin/sh
# Set the broker password of a CareWatch service account (`ingest` or `api`), whose
# topics carewatch.acl already grants. Prints the password once, for the service's
# environment file (CAREWATCH_INGEST_BROKER_URL / CAREWATCH_API_BROKER_URL).
#
#   service-password.sh [--dir DIR] ingest|api|ingest-WORKER
#
# The broker makes the username the client id (use_username_as_clientid), so each
# ingest process sharing the readings needs its own account: `ingest-2`, `ingest-3`, …
# get a copy of the `ingest` ACL block (appended to DIR/acl the first time).
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
    ingest-*)
        if ! printf '%s' "$service" | grep -Eqx 'ingest-[a-z0-9][a-z0-9-]{0,56}'; then
            echo "$0: '$service' is not an ingest worker account (ingest-[a-z0-9-])" >&2
            exit 2
        fi
        acl_file=$dir/acl
        if [ ! -f "$acl_file" ] || ! grep -qx "user ingest" "$acl_file"; then
            echo "$0: no 'user ingest' block in $acl_file to copy for $service" >&2
            exit 1
        fi
        if ! grep -qx "user $service" "$acl_file"; then
            # the topic lines of the `user ingest` block, up to the next other line
            rights=$(awk '$0 == "user ingest" { on = 1; next } on && /^topic / { print; next } { on = 0 }' "$acl_file")
            printf '\n# ingest worker %s: the rights of ingest\nuser %s\n%s\n' \
                "$service" "$service" "$rights" >>"$acl_file"
        fi
        ;;
    *)
        echo "$0: '$service' is not a service account (ingest, api or ingest-WORKER)" >&2
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
