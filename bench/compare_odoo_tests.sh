#!/usr/bin/env bash
# Run Odoo's own tests of sale, sale_crm, sale_stock, crm and calendar, and
# the invoice tests of account and the activity tests of mail and test_mail,
# on two databases, one without sales_coordination and one with it (in
# observe mode, the default of a fresh install), and diff the failures.
#
#   bench/compare_odoo_tests.sh [PREFIX]      (default PREFIX: sc_compare)
#
# Environment: PGHOST (127.0.0.1), PGUSER (current user), HTTP_PORT (8069;
# the second database uses HTTP_PORT + 1), ODOO_ADDONS
# (default: the addons next to the Odoo that python3 imports), MODULES (every test file of
# these modules: "sale sale_crm sale_stock crm calendar"), FILES (single test
# files, as module/tests/file.py: account's invoice tests and the activity
# tests of mail and test_mail), INSTALL (modules installed on both databases
# for FILES: "test_mail" when it is in the addons path), JOBS (2: both
# databases at once; 1: one after the other), TEMPLATE_DB (copy this
# database, with sale_management, sale_crm and sale_stock and demo data,
# instead of installing them).
# Both databases get Odoo + sale_management, sale_crm, sale_stock with demo
# data (through `sc-clone-db` when available, TEMPLATE_DB when set, else a
# fresh install).
#
# To check the script on a few files only:
#   MODULES= FILES="account/tests/test_account_invoice_report.py" \
#       bench/compare_odoo_tests.sh sc_check
#
# Every test file runs with `odoo --test-file`, after the whole registry is
# loaded: at_install tests included. (A plain `--test-enable` run executes the
# at_install tests of sale or crm while the module graph is loading, before
# sales_coordination's code is in the registry, so they could not see the
# addon.) A file that fails only with the addon is run again once on both
# databases, to tell a real difference from a flaky test. Logs and failure
# lists go to .logs/compare/.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PREFIX=${1:-sc_compare}
PGHOST=${PGHOST:-127.0.0.1}
PGUSER=${PGUSER:-$(whoami)}
HTTP_PORT=${HTTP_PORT:-8069}
ODOO_ADDONS=${ODOO_ADDONS:-$(python3 -c 'import os, odoo
d = os.path.dirname(odoo.__file__)
print(f"{d}/addons,{os.path.dirname(d)}/addons")')}
MODULES=${MODULES-sale sale_crm sale_stock crm calendar}
FILES=${FILES-account/tests/test_account_move_out_invoice.py
account/tests/test_account_move_out_refund.py
account/tests/test_account_move_in_invoice.py
account/tests/test_invoice_taxes.py
account/tests/test_account_invoice_report.py
account/tests/test_portal_invoice.py
mail/tests/test_mail_activity.py
test_mail/tests/test_mail_activity.py
test_mail/tests/test_mail_activity_plan.py}
TEMPLATE_DB=${TEMPLATE_DB:-}
JOBS=${JOBS:-2}
OUT="$ROOT/.logs/compare"
PYTHON=${PYTHON:-python3}
# Odoo as the harness runs it (an installed `odoo` script may fail on its own
# requirement checks)
odoo() { "$PYTHON" -m odoo "$@"; }
"$PYTHON" -c "import odoo" 2> /dev/null || {
    echo "compare_odoo_tests: $PYTHON cannot import odoo (Odoo 18 must be installed)" >&2
    exit 2
}
rm -rf "$OUT" && mkdir -p "$OUT/without" "$OUT/with"

odoo_cmd() { # variant, then odoo arguments
    local port=$HTTP_PORT
    [ "$1" = with ] && port=$((HTTP_PORT + 1))
    odoo --db_host="$PGHOST" --db_user="$PGUSER" --http-port="$port" \
        --addons-path="$ODOO_ADDONS,$ROOT" -d "${PREFIX}_$1" "${@:2}"
}

fresh_db() {
    local db=$1
    if command -v sc-clone-db > /dev/null; then
        sc-clone-db "$db" > /dev/null
    elif [ -n "$TEMPLATE_DB" ]; then
        # Odoo's own database command: the copy and its filestore
        odoo db --db_host="$PGHOST" --db_user="$PGUSER" \
            duplicate -f "$TEMPLATE_DB" "$db" > /dev/null
    else
        odoo db --db_host="$PGHOST" --db_user="$PGUSER" drop "$db" \
            > /dev/null 2>&1 || true
        odoo --db_host="$PGHOST" --db_user="$PGUSER" --addons-path="$ODOO_ADDONS" \
            -d "$db" -i sale_management,sale_crm,sale_stock --stop-after-init \
            > "$OUT/$db.install.log" 2>&1
    fi
}

module_dir() { # the first addons path entry that holds the module
    local dir
    IFS=, read -ra dirs <<< "$ODOO_ADDONS"
    for dir in "${dirs[@]}"; do
        [ -f "$dir/$1/__manifest__.py" ] && { echo "$dir/$1"; return; }
    done
    echo "compare_odoo_tests: module $1 not found in $ODOO_ADDONS" >&2
    exit 2
}

has_module() {
    local dir
    IFS=, read -ra dirs <<< "$ODOO_ADDONS"
    for dir in "${dirs[@]}"; do
        [ -f "$dir/$1/__manifest__.py" ] && return 0
    done
    return 1
}

INSTALL=${INSTALL-$(has_module test_mail && echo test_mail)}

test_files() {
    local module file
    for module in $MODULES; do
        ls "$(module_dir "$module")"/tests/test_*.py
    done
    for file in $FILES; do
        module=${file%%/*}
        # test_mail's files only where test_mail is installed
        if has_module "$module" && { [ "$module" != test_mail ] ||
            [[ " $INSTALL " == *" test_mail "* ]]; }; then
            ls "$(module_dir "$module")/${file#*/}"
        fi
    done
}

run_file() { # variant, test file, log name: failures go to the log's .failures
    local log="$OUT/$1/$3.log"
    odoo_cmd "$1" --test-file "$2" --stop-after-init --log-level=test \
        > "$log" 2>&1 || true
    # "Class.method" of every failed or erroring test; a file that did not
    # run at all counts as a failure of the file itself
    {
        grep -oE "(FAIL|ERROR): (Subtest )?[A-Za-z0-9_]+\.[A-Za-z0-9_]+" "$log" || true
        grep -q "running tests " "$log" || echo "NOT RUN: $(basename "$2")"
    } | sort -u > "$log.failures"
}

run_variant() { # variant: every test file, one Odoo process each
    local file
    while read -r file; do
        run_file "$1" "$file" "$(basename "$(dirname "$(dirname "$file")")")-$(basename "$file" .py)"
    done < "$OUT/files"
}

echo "== database without the addon: ${PREFIX}_without"
fresh_db "${PREFIX}_without"
echo "== database with the addon (observe mode): ${PREFIX}_with"
fresh_db "${PREFIX}_with"
if [ -n "$INSTALL" ]; then
    echo "== installing on both: $INSTALL"
    for variant in without with; do
        odoo_cmd "$variant" -i "${INSTALL// /,}" --stop-after-init \
            > "$OUT/$variant.install-extra.log" 2>&1
    done
fi
odoo_cmd with -i sales_coordination --stop-after-init > "$OUT/with.install.log" 2>&1
psql -h "$PGHOST" -U "$PGUSER" -d "${PREFIX}_with" -qc \
    "UPDATE res_company SET accuracy_mode = 'observe'"

test_files > "$OUT/files"
echo "== running $(wc -l < "$OUT/files") test files of: $MODULES" $FILES
start=$SECONDS
if [ "$JOBS" -ge 2 ]; then
    run_variant without & pid=$!
    run_variant with
    wait $pid
else
    run_variant without
    run_variant with
fi
echo "   done in $((SECONDS - start)) s"

for variant in without with; do
    cat "$OUT/$variant"/*.failures | sort -u > "$OUT/$variant.failures"
    # grep -c exits 1 on a file with no test (one that did not run)
    tests=$({ grep -hc " Starting [A-Za-z0-9_]*\.test" "$OUT/$variant"/*.log || true; } |
        paste -sd+ | bc)
    echo "   $variant: $tests tests run, $(wc -l < "$OUT/$variant.failures") failing"
done
echo "   per suite (tests run, failing) without | with:"
for module in $(cd "$OUT/without" && ls -- *.log | sed 's/-.*//' | sort -u); do
    line="     $module:"
    for variant in without with; do
        tests=$({ grep -hc " Starting [A-Za-z0-9_]*\.test" "$OUT/$variant/$module"-*.log || true; } |
            paste -sd+ | bc)
        failing=$(cat "$OUT/$variant/$module"-*.log.failures | sort -u | wc -l)
        line="$line $tests, $failing"
        [ "$variant" = without ] && line="$line |"
    done
    echo "$line"
done

# A file whose failures differ is run again on both databases (one at a time).
changed=0
for failures in "$OUT/with"/*.failures; do
    name=$(basename "$failures" .log.failures)
    if ! diff -q "$OUT/without/$name.log.failures" "$failures" > /dev/null; then
        file=$(grep -E "/${name#*-}\.py$" "$OUT/files" | grep "/${name%%-*}/")
        echo "== $name differs; running it again on both databases"
        for variant in without with; do
            run_file "$variant" "$file" "$name.rerun"
        done
        if ! diff "$OUT/without/$name.rerun.log.failures" \
            "$OUT/with/$name.rerun.log.failures"; then
            changed=1
            # what each added failure asserted (a query count, a value...)
            grep -hE "^(AssertionError|[A-Za-z.]*Error): " \
                "$OUT/with/$name.rerun.log" | sort | uniq -c | sed 's/^/   with: /' || true
        fi
    fi
done

echo "== failures only with the addon (< without, > with):"
if [ $changed = 0 ]; then
    echo "none: the addon adds no failure"
else
    exit 1
fi
