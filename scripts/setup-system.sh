#!/usr/bin/env bash
# The one setup step before the tests (run by `npm test` as its pretest, and by .ci/run): the
# system packages the tests need beyond node_modules. The browser tests drive Debian's Chromium
# through playwright-core (no browser is downloaded); the PostgreSQL tests start a throwaway
# cluster of their own with Debian's PostgreSQL server binaries (initdb, postgres); the print
# tests read the text of printed PDFs with poppler's pdftotext.
# When one is missing: as root it is installed with apt-get; otherwise the script stops at once
# with the exact command to run. It never starts a service and is a no-op when all are present.
set -euo pipefail

# Where Debian puts them; the test of this script points these elsewhere.
chromium=${PLUS_CHROMIUM:-/usr/bin/chromium}
postgres_lib=${PLUS_POSTGRES_LIB:-/usr/lib/postgresql}
pdftotext=${PLUS_PDFTOTEXT:-/usr/bin/pdftotext}

missing=()
[ -x "$chromium" ] || missing+=(chromium)
has_postgres=no
for initdb in "$postgres_lib"/*/bin/initdb; do
  if [ -x "$initdb" ] && [ -x "$(dirname "$initdb")/postgres" ]; then has_postgres=yes; fi
done
[ "$has_postgres" = yes ] || missing+=(postgresql)
[ -x "$pdftotext" ] || missing+=(poppler-utils)

[ ${#missing[@]} -eq 0 ] && exit 0

install="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "setup: installing Debian's ${missing[*]} for the tests" >&2
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
  exit 0
fi

{
  echo "setup: the tests need Debian's ${missing[*]}, which is not installed. Run:"
  echo
  if command -v apt-get >/dev/null; then
    echo "  sudo sh -c '$install'"
  else
    echo "  (not a Debian system: install ${missing[*]} with the system's package manager;"
    echo "   Chromium at /usr/bin/chromium, the PostgreSQL server under /usr/lib/postgresql/<version>/bin)"
  fi
  echo
  echo "and then the test command again."
} >&2
exit 1
