#!/bin/sh
# FOR TESTING ONLY: a throw-away certificate authority and a broker certificate signed
# by it, so TLS can be tried without a real CA. For production use certificates from
# your organisation's CA or Let's Encrypt (docs/deployment.md). The CA key is left
# next to the certificates, which is exactly what a real deployment must not do.
#
#   make-test-ca.sh OUTDIR [HOSTNAME...]
#
# Writes OUTDIR/ca.crt, ca.key, server.crt, server.key. The server certificate is valid
# for the HOSTNAMEs given (default: localhost and mosquitto, the compose service name)
# and for 127.0.0.1. Gateways and services trust ca.crt (CAREWATCH_*_CA_FILE).
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 OUTDIR [HOSTNAME...]" >&2
    exit 2
fi
out=$1
shift
[ $# -gt 0 ] || set -- localhost mosquitto
mkdir -p "$out"

san="IP:127.0.0.1"
for name in "$@"; do
    san="$san,DNS:$name"
done

umask 077
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -sha256 \
    -subj "/CN=CareWatch TEST CA (not for production)" \
    -keyout "$out/ca.key" -out "$out/ca.crt" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -sha256 -subj "/CN=$1" \
    -keyout "$out/server.key" -out "$out/server.csr" 2>/dev/null
printf 'subjectAltName=%s\nextendedKeyUsage=serverAuth\n' "$san" >"$out/server.ext"
openssl x509 -req -in "$out/server.csr" -CA "$out/ca.crt" -CAkey "$out/ca.key" \
    -CAcreateserial -days 30 -sha256 -extfile "$out/server.ext" -out "$out/server.crt" 2>/dev/null
rm -f "$out/server.csr" "$out/server.ext" "$out/ca.srl"
chmod 644 "$out/ca.crt" "$out/server.crt"
echo "TEST CA and broker certificate for $* written to $out (valid 30 days; testing only)"
