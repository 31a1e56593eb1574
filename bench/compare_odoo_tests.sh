#!/usr/bin/env bash
# Run Odoo's own tests of sale, sale_crm, sale_stock and crm on two databases,
# one without sales_coordination and one with it (in observe mode, the
# default of a fresh install), and diff the failures.
#
#   bench/compare_odoo_tests.sh [PREFIX]      (default PREFIX: sc_compare)
#
# Environment: PGHOST (127.0.0.1), PGUSER (current user), HTTP_PORT (8069),
# ODOO_ADDONS (/opt/odoo18/odoo/addons,/opt/odoo18/addons), TEST_TAGS.
# Both databases get Odoo + sale_management, sale_crm, sale_stock with demo
# data (through `sc-clone-db` when available, else a fresh install).
#
# Only post_install tests are compared: at_install tests run while the module
# graph is loading, before sales_coordination's code is in the registry, so
# they cannot see the addon. Logs and failure lists go to .logs/compare/.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${1:-sc_compare}
PGHOST=${PGHOST:-127.0.0.1}
PGUSER=${PGUSER:-$(whoami)}
HTTP_PORT=${HTTP_PORT:-8069}
ODOO_ADDONS=${ODOO_ADDONS:-/opt/odoo18/odoo/addons,/opt/odoo18/addons}
TEST_TAGS=${TEST_TAGS:-/sale,/sale_crm,/sale_stock,/crm}
OUT="$ROOT/.logs/compare"
mkdir -p "$OUT"
ODOO=(odoo --db_host="$PGHOST" --db_user="$PGUSER" --http-port="$HTTP_PORT"
      --addons-path="$ODOO_ADDONS,$ROOT" --stop-after-init)

fresh_db() {
    local db=$1
    if command -v sc-clone-db > /dev/null; then
        sc-clone-db "$db" > /dev/null
    else
        dropdb -h "$PGHOST" -U "$PGUSER" --if-exists "$db"
        "${ODOO[@]}" -d "$db" -i sale_management,sale_crm,sale_stock \
            > "$OUT/$db.install.log" 2>&1
    fi
}

failures() {
    # "Class.method" of every failed or erroring test, sorted
    grep -oE "(FAIL|ERROR): (Subtest )?[A-Za-z0-9_]+\.[A-Za-z0-9_]+" "$1" | sort -u || true
}

echo "== database without the addon: ${PREFIX}_without"
fresh_db "${PREFIX}_without"
echo "== database with the addon (observe mode): ${PREFIX}_with"
fresh_db "${PREFIX}_with"
"${ODOO[@]}" -d "${PREFIX}_with" -i sales_coordination > "$OUT/with.install.log" 2>&1
psql -h "$PGHOST" -U "$PGUSER" -d "${PREFIX}_with" -qc \
    "UPDATE res_company SET accuracy_mode = 'observe'"

for variant in without with; do
    echo "== running $TEST_TAGS on ${PREFIX}_$variant"
    "${ODOO[@]}" -d "${PREFIX}_$variant" --test-enable --test-tags "$TEST_TAGS" \
        --log-level=test > "$OUT/$variant.log" 2>&1 || true
    failures "$OUT/$variant.log" > "$OUT/$variant.failures"
    grep -E "tests when loading database" "$OUT/$variant.log" | tail -1 || true
done

echo "== failures only with the addon (< without, > with):"
if diff "$OUT/without.failures" "$OUT/with.failures"; then
    echo "none: the addon adds no failure"
else
    exit 1
fi
