#!/usr/bin/env bash
# Make a PostgreSQL server available on loopback for the backend tests and the scale-out bench:
# install Debian's `postgresql` when missing, start (or create) a cluster, create the role and database
# `oncoguide_test`, and write the URL to var/test-postgres.url (tests/conftest.py reads it, as it reads
# ONCOGUIDE_TEST_POSTGRES_URL). Needs root; idempotent. Prints the URL.
set -euo pipefail
cd "$(dirname "$0")/.."
ROLE=oncoguide_test
PASSWORD=oncoguide_test
if [ "$(id -u)" != 0 ]; then
    echo "start_postgres.sh: needs root (apt-get, pg_ctlcluster)" >&2
    exit 1
fi
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    echo "installing postgresql from Debian's packages" >&2
    apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >&2
fi
VERSION=$(ls /usr/lib/postgresql | sort -V | tail -1)
if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION main"; then
    pg_createcluster "$VERSION" main >&2
fi
PORT=$(pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $3}')
if ! pg_lsclusters -h | awk -v v="$VERSION" '$1==v && $2=="main" {print $4}' | grep -q online; then
    pg_ctlcluster "$VERSION" main start -- -o "-c listen_addresses=127.0.0.1" >&2 \
        || pg_ctlcluster "$VERSION" main start >&2
fi
psql_admin() { runuser -u postgres -- psql -p "$PORT" -v ON_ERROR_STOP=1 -qAt "$@"; }
for _ in $(seq 30); do psql_admin -c "select 1" >/dev/null 2>&1 && break; sleep 1; done
if [ "$(psql_admin -c "select 1 from pg_roles where rolname = '$ROLE'")" != 1 ]; then
    psql_admin -c "create role $ROLE login password '$PASSWORD'"
fi
if [ "$(psql_admin -c "select 1 from pg_database where datname = '$ROLE'")" != 1 ]; then
    psql_admin -c "create database $ROLE owner $ROLE"
fi
URL="postgresql+psycopg://$ROLE:$PASSWORD@127.0.0.1:$PORT/$ROLE"
mkdir -p var
echo "$URL" > var/test-postgres.url
echo "$URL"
