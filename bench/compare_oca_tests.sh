#!/usr/bin/env bash
# The test suites of the OCA addons an integrator runs beside ours
# (sale_exception, sale_tier_validation, mail_activity_team and their bases),
# and of Odoo's crm and sale_crm, with and without sales_coordination, each
# database with demo data: compare_odoo_tests.sh with the OCA wheels of
# bench/requirements-oca.txt on the addons path and installed on both.
#
#   bench/compare_oca_tests.sh [PREFIX]      (default PREFIX: sc_compare_oca)
#
# The wheels go to .cache/oca-addons (`pip install --no-deps --target`), not
# into the Python that runs Odoo. MODULES, FILES and INSTALL may be set as
# for compare_odoo_tests.sh; the other variables are passed through.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-python3}
TARGET="$ROOT/.cache/oca-addons"
if [ ! -d "$TARGET/odoo/addons/sale_exception" ]; then
    "$PYTHON" -m pip install --quiet --no-deps --target "$TARGET" \
        -r "$ROOT/bench/requirements-oca.txt"
fi
# OCA's test helper (FakeModelLoader, used by base_exception's and
# sale_exception's tests), a plain library: beside the wheels, on PYTHONPATH
HELPER="$ROOT/.cache/oca-python"
if [ ! -d "$HELPER/odoo_test_helper" ]; then
    "$PYTHON" -m pip install --quiet --no-deps --target "$HELPER" odoo-test-helper
fi
export PYTHONPATH="$HELPER${PYTHONPATH:+:$PYTHONPATH}"
for module in base_exception sale_exception base_tier_validation \
    sale_tier_validation mail_activity_team; do
    [ -f "$TARGET/odoo/addons/$module/__manifest__.py" ] || {
        echo "compare_oca_tests: $module is missing from $TARGET" >&2
        exit 2
    }
done
ODOO_ADDONS=${ODOO_ADDONS:-$("$PYTHON" -c 'import os, odoo
d = os.path.dirname(odoo.__file__)
print(f"{d}/addons,{os.path.dirname(d)}/addons")')}
export ODOO_ADDONS="$ODOO_ADDONS,$TARGET/odoo/addons"
export MODULES=${MODULES-base_exception sale_exception base_tier_validation sale_tier_validation mail_activity_team crm sale_crm}
export FILES=${FILES-}
export INSTALL=${INSTALL-sale_exception sale_tier_validation mail_activity_team}
exec "$ROOT/bench/compare_odoo_tests.sh" "${1:-sc_compare_oca}"
