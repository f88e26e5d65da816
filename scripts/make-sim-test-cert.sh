#!/bin/sh
# Regenerates the fixed test key pair and self-signed certificate crates/sim/tests/graph_http/identity.rs signs client
# assertions with. They are test fixtures, not secrets: nothing trusts them but the simulator
# instance a test registers them on.
set -eu
cd "$(dirname "$0")/../crates/sim/tests/data"
openssl genrsa -traditional -out sim_assertion_key.pem 2048
openssl req -x509 -key sim_assertion_key.pem -out sim_assertion_cert.pem -days 36500 \
  -subj "/CN=reclaim simulator test app" -sha256
# A second key whose signatures must be refused for that certificate.
openssl genrsa -traditional -out sim_other_key.pem 2048
