from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL, float_compare, float_is_zero, float_round

from .sales_coordination_rule_mixin import RULE_NUMBER_RANGES

BUILTIN_CHECK_TYPES = [
    ("missing_client_ref", "Missing customer reference"),
    ("incomplete_delivery_address", "Incomplete delivery address"),
    ("missing_payment_term", "Missing payment term"),
    ("price_deviation", "Price deviates from the pricelist"),
    ("discount_limit", "Discount above the limit"),
    ("invalid_quantity", "Invalid quantity"),
    ("packaging_multiple", "Quantity breaks the sales packaging"),
    ("stock_availability", "Stock not available at the delivery date"),
    ("duplicate_order", "Duplicate order"),
    ("credit_limit", "Credit limit exceeded"),
    ("minimum_order", "Below the minimum order amount"),
    ("unsellable_product", "Unsellable product"),
]

# The numbers a rule accepts: field name -> (minimum, maximum), both included.
# The threshold's range depends on what it means for the check type:
# THRESHOLD_RANGES, with THRESHOLD_DEFAULT_RANGE for the other types (which
# ignore it). The constraints, their errors, the field help and docs/rpc.md
# all read these.
ACCURACY_NUMBER_RANGES = dict(RULE_NUMBER_RANGES)
THRESHOLD_RANGES = {
    "price_deviation": (0, 100),  # % off the pricelist price
    "discount_limit": (0, 100),  # % discount
    "duplicate_order": (0, 365),  # days between two identical orders
    "minimum_order": (0, 1_000_000_000),  # untaxed amount
}
THRESHOLD_DEFAULT_RANGE = (0, 1_000_000_000)
THRESHOLD_HELP = (
    "Percentage, number of days or amount, depending on the check type: "
    "price deviation and discount limit in % ({price_deviation[1]} and "
    "{discount_limit[1]} at most), duplicate orders within this many days "
    "({duplicate_order[1]} at most), minimum order amount ({minimum_order[1]:,} "
    "at most). Never negative."
).format(**THRESHOLD_RANGES)


class SaleAccuracyRule(models.Model):
    """A check run on quotations before confirmation.

    Each built-in ``check_type`` has one private method ``_check_<type>``
    that receives the whole recordset of orders the rule applies to and
    returns its findings, with a number of queries that does not depend on
    the number of orders.
    """

    _name = "sale.accuracy.rule"
    _inherit = ["sales.coordination.rule.mixin"]  # noqa: RUF012
    _description = "Order Accuracy Rule"
    _number_ranges = ACCURACY_NUMBER_RANGES

    code = fields.Char(
        required=True,
        help="Stable key of the rule, unique per company.",
    )
    severity = fields.Selection(
        selection=[("warning", "Warning"), ("blocking", "Blocking")],
        required=True,
        default="warning",
        help="Blocking issues stop the confirmation in enforce mode; "
        "warnings never block.",
    )
    category = fields.Selection(
        selection=[
            ("data", "Data"),
            ("pricing", "Pricing"),
            ("fulfillment", "Fulfillment"),
            ("credit", "Credit"),
        ],
        required=True,
        default="data",
    )
    check_type = fields.Selection(
        selection=BUILTIN_CHECK_TYPES + [("domain", "Domain")],
        required=True,
        default="domain",
    )
    domain = fields.Char(
        default="[]",
        help="Sale order domain: an order fails the rule when it matches.",
    )
    threshold = fields.Float(help=THRESHOLD_HELP)
    description = fields.Text(translate=True)
    setting_warning = fields.Text(
        compute="_compute_setting_warning",
        help="Why the rule checks nothing in some of its companies (a setting "
        "of Odoo or a threshold it needs). Orders there are not checked by "
        "it, and their check does not count it as passed.",
    )

    # === COMPUTE METHODS ===

    @api.depends("check_type", "threshold", "company_id")
    @api.depends_context("allowed_company_ids")
    def _compute_setting_warning(self):
        for rule in self:
            companies = rule.company_id or self.env.companies
            reasons = {}
            for company in companies:
                reason = rule._inapplicable_reason(company)
                if reason:
                    reasons.setdefault(reason, []).append(company.name)
            rule.setting_warning = (
                "\n".join(
                    self.env._(
                        "%(reason)s (%(companies)s)",
                        reason=reason,
                        companies=", ".join(names),
                    )
                    if len(self.env.companies) > 1 or rule.company_id
                    else reason
                    for reason, names in reasons.items()
                )
                or False
            )

    # === CONSTRAINT METHODS ===

    @api.constrains("code", "company_id")
    def _check_code_unique(self):
        groups = self.with_context(active_test=False)._read_group(
            [("code", "in", self.mapped("code"))],
            ["code", "company_id"],
            ["__count"],
        )
        for code, company, count in groups:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "The rule code %(code)s is already used in %(company)s.",
                        code=code,
                        company=company.display_name or self.env._("all companies"),
                    )
                )

    @api.constrains("check_type", "threshold")
    def _check_threshold(self):
        check = self.env["sales.coordination.rpc.check"]
        for rule in self:
            check._sc_check_number(
                rule,
                "threshold",
                rule.threshold,
                THRESHOLD_RANGES.get(rule.check_type, THRESHOLD_DEFAULT_RANGE),
            )

    # === BUSINESS METHODS: RULE MIXIN ===

    @api.model
    def _rule_vals_ranges(self):
        """Numbers the database could not store are refused before they reach
        it; the precise threshold range of the check type is the constraint's
        (the check type may change in the same write)."""
        widest = (
            min(low for low, __ in THRESHOLD_RANGES.values()),
            max(
                THRESHOLD_DEFAULT_RANGE[1],
                *(high for __, high in THRESHOLD_RANGES.values()),
            ),
        )
        return dict(super()._rule_vals_ranges(), threshold=widest)

    @api.model
    def _rule_domain_depends(self):
        return ("check_type", "domain")

    def _rule_uses_domain(self):
        self.ensure_one()
        return self.check_type == "domain"

    def _rule_domain_model(self):
        return "sale.order"

    # === BUSINESS METHODS ===

    def _accuracy_data(self, orders):
        """Read what the checks need of ``orders``, in three queries.

        The checks work on plain values rather than records: reading fields
        record by record through the ORM costs far more than the queries
        themselves when thousands of orders are checked at once. Records are
        only browsed to build the messages of the findings, and for the
        pricelist and stock computations that Odoo owns.
        """
        return _AccuracyData(self.env, orders)

    def _inapplicable_reason(self, company):
        """Why this rule cannot check the orders of ``company``, or False.

        A rule that needs a setting of Odoo (or a threshold) checks nothing
        while it is missing: the orders of that company are not checked by it,
        and the reason shows on the rule form (``setting_warning``) and on the
        orders (``accuracy_not_applied``). Extend it for a new check type.
        """
        self.ensure_one()
        if self.check_type == "packaging_multiple" and not self._packagings_enabled():
            return self.env._(
                "Needs the Product Packagings setting (Settings › Inventory › "
                "Products): without it, no quantity is checked against a "
                "packaging."
            )
        if self.check_type == "credit_limit" and not company.account_use_credit_limit:
            return self.env._(
                "Needs the Sales Credit Limit setting (Settings › Invoicing › "
                "Customer Payments): without it, no order is checked against a "
                "credit limit."
            )
        if self.check_type == "minimum_order" and not self.threshold:
            return self.env._(
                "Needs a minimum amount in Threshold: with 0 the rule checks nothing."
            )
        return False

    def _packagings_enabled(self):
        """Whether the Product Packagings setting is on (Odoo implies its
        group on every internal user)."""
        packaging = self.env.ref(
            "product.group_stock_packaging", raise_if_not_found=False
        )
        return bool(
            packaging
            and packaging in self.env.ref("base.group_user").sudo().implied_ids
        )

    def _applicable_order_ids(self, data):
        """Ids of the orders of ``data`` this rule applies to (company and
        teams), leaving out the companies where it cannot check anything
        (``_inapplicable_reason``)."""
        self.ensure_one()
        company_id = self.company_id.id
        team_ids = set(self.team_ids.ids)
        companies = {order["company_id"] for order in data.orders.values()}
        skipped = {
            cid
            for cid in companies
            if self._inapplicable_reason(self.env["res.company"].sudo().browse(cid))
        }
        if not company_id and not team_ids and not skipped:
            return list(data.orders)
        return [
            oid
            for oid, order in data.orders.items()
            if (not company_id or order["company_id"] == company_id)
            and (not team_ids or order["team_id"] in team_ids)
            and order["company_id"] not in skipped
        ]

    def _not_applied_rules(self, company):
        """The rules of ``self`` that cannot check the orders of ``company``."""
        return self.filtered(
            lambda rule: (
                rule._inapplicable_reason(company)
                and (not rule.company_id or rule.company_id == company)
            )
        )

    def _run_checks(self, data):
        """Run every rule in ``self`` on the orders of ``data`` it applies to.

        Each check receives the data, the ids of the orders the rule applies
        to and their product lines (rows of ``data.lines``), and returns
        ``(order_id, line_id or False, message)`` findings.

        :return: list of findings ``(rule, order_id, line_id, message)``
        """
        findings = []
        for rule in self:
            order_ids = rule._applicable_order_ids(data)
            if not order_ids:
                continue
            if len(order_ids) == len(data.orders):
                lines = data.lines
            else:
                lines = [line for oid in order_ids for line in data.lines_by_order[oid]]
            method = getattr(rule, f"_check_{rule.check_type}")
            findings += [
                (rule, order_id, line_id, message)
                for order_id, line_id, message in method(data, order_ids, lines)
            ]
        return findings

    # --- one private check per check type, each set-wise ---

    def _check_domain(self, data, order_ids, lines):
        # Validated with the rights of whoever wrote the rule; evaluated the
        # same way for whoever confirms.
        domain = self.sudo()._get_domain()
        matching = (
            self.env["sale.order"]
            .sudo()
            .search(expression.AND([[("id", "in", order_ids)], domain]))
        )
        return [
            (
                order.id,
                False,
                self.env._(
                    "%(order)s matches the rule %(rule)s. Correct the order or "
                    "ask a Coordination Manager.",
                    order=order.name,
                    rule=self.name,
                ),
            )
            for order in matching
        ]

    def _check_missing_client_ref(self, data, order_ids, lines):
        return [
            (
                oid,
                False,
                self.env._(
                    "%(order)s has no customer reference. Enter the customer's "
                    "PO number in Customer Reference.",
                    order=data.orders[oid]["name"],
                ),
            )
            for oid in order_ids
            if not (data.orders[oid]["client_order_ref"] or "").strip()
        ]

    def _check_incomplete_delivery_address(self, data, order_ids, lines):
        labels = (
            ("street", self.env._("street")),
            ("city", self.env._("city")),
            ("country_id", self.env._("country")),
        )
        incomplete = {}
        for oid in order_ids:
            order = data.orders[oid]
            missing = [label for key, label in labels if not order[key]]
            if missing:
                incomplete[oid] = missing
        addresses = (
            self.env["res.partner"]
            .sudo()
            .browse(
                {data.orders[oid]["partner_shipping_id"] for oid in incomplete} - {None}
            )
        )
        names = {address.id: address.display_name for address in addresses}
        return [
            (
                oid,
                False,
                self.env._(
                    "The delivery address %(address)s lacks: %(missing)s. "
                    "Complete the address before confirming.",
                    address=names.get(data.orders[oid]["partner_shipping_id"])
                    or self.env._("(none)"),
                    missing=", ".join(missing),
                ),
            )
            for oid, missing in incomplete.items()
        ]

    def _check_missing_payment_term(self, data, order_ids, lines):
        return [
            (
                oid,
                False,
                self.env._(
                    "%(order)s has no payment term. Set the customer's agreed "
                    "payment term.",
                    order=data.orders[oid]["name"],
                ),
            )
            for oid in order_ids
            if not data.orders[oid]["payment_term_id"]
        ]

    def _check_price_deviation(self, data, order_ids, lines):
        """Compare each line's unit price with the one Odoo would put on it.

        That is the order's pricelist price, or without a pricelist (the
        Pricelists setting off, Odoo's default) the product's sales price,
        both with variant extras, unit of measure, currency conversion, the
        order's date and the fiscal position's taxes, as
        ``sale.order.line._compute_price_unit`` does. The pricelist rules are
        fetched once per pricelist for all products (today's rules); lines of
        the same product, quantity, unit, currency, day, attributes, company
        and fiscal position share a price, which Odoo computes once
        (``_expected_price``). No line is skipped: a price that cannot be
        compared (an expected price of 0) is a finding that says so.
        """
        by_pricelist = defaultdict(list)
        for line in lines:
            by_pricelist[data.orders[line["order_id"]]["pricelist_id"] or False].append(
                line
            )
        findings = []
        now = fields.Datetime.now()
        for pricelist_id, pl_lines in by_pricelist.items():
            # line records that share their prefetching, for the few lines
            # whose price is computed
            records = {
                record.id: record
                for record in self.env["sale.order.line"]
                .sudo()
                .browse([line["id"] for line in pl_lines])
            }
            pricelist = self.env["product.pricelist"].sudo().browse(pricelist_id)
            products = self.env["product.product"].browse(
                {line["product_id"] for line in pl_lines}
            )
            items = pricelist._get_applicable_rules(products, now)
            memo = {}
            for line in pl_lines:
                order = data.orders[line["order_id"]]
                record = records[line["id"]]
                if line["combo_item_id"]:
                    # depends on its combo line: computed for itself
                    expected = self._expected_price(record, items)
                else:
                    key = (
                        line["product_id"],
                        line["qty"],
                        line["uom_id"],
                        order["currency_id"],
                        order["date_order"].date(),
                        data.no_variant_values.get(line["id"], ()),
                        order["company_id"],
                        record.order_id.fiscal_position_id.id,
                    )
                    if key not in memo:
                        memo[key] = self._expected_price(record, items)
                    expected = memo[key]
                finding = self._price_deviation_finding(
                    data, line, expected, bool(pricelist_id)
                )
                if finding:
                    findings.append(finding)
        return findings

    def _price_deviation_finding(self, data, line, expected, with_pricelist):
        """The finding of one line whose price is ``expected``, or None."""
        order = data.orders[line["order_id"]]
        currency = data.currency(order["currency_id"])
        price = line["price_unit"]
        reference = (
            self.env._("the pricelist price")
            if with_pricelist
            else self.env._("the sales price")
        )
        if currency.is_zero(expected):
            if currency.is_zero(price):
                return None
            return (
                order["id"],
                line["id"],
                self.env._(
                    "%(product)s: unit price %(price)s, but %(reference)s is 0: "
                    "the deviation cannot be measured. Check the price, or set "
                    "the product's price.",
                    product=data.product_name(line["product_id"]),
                    price=price,
                    reference=reference,
                ),
            )
        deviation = abs(price - expected) / abs(expected) * 100
        if round(deviation - self.threshold, 2) <= 0:
            return None
        return (
            order["id"],
            line["id"],
            self.env._(
                "%(product)s: unit price %(price)s differs by %(deviation)s%% "
                "from %(reference)s %(expected)s (limit %(limit)s%%). Update "
                "the price or correct the pricelist.",
                product=data.product_name(line["product_id"]),
                price=price,
                deviation=float_round(deviation, 2),
                reference=reference,
                expected=float_round(expected, precision_rounding=currency.rounding),
                limit=self.threshold,
            ),
        )

    def _expected_price(self, line, items):
        """Unit price Odoo puts on ``line`` (before discount): the display
        price of ``sale.order.line._get_display_price`` from the pricelist
        rules ``items`` (none without a pricelist: the sales price), with the
        taxes of the fiscal position as in ``_compute_price_unit``."""
        line = line.with_company(line.company_id)
        if line.product_type == "combo":
            return 0.0  # as Odoo: the combo's items carry the price
        if line.combo_item_id:
            price = line._get_combo_item_display_price()
        else:
            price = self._pricelist_price(line, items)
        product = line.product_id
        return product._get_tax_included_unit_price_from_price(
            price,
            product_taxes=product.taxes_id.filtered(
                lambda tax: tax.company_id == line.env.company
            ),
            fiscal_position=line.order_id.fiscal_position_id,
        )

    def _pricelist_price(self, line, items):
        product = line.product_id.with_context(**line._get_product_price_context())
        quantity = line.product_uom_qty or 1.0
        uom = line.product_uom or product.uom_id
        qty_in_product_uom = quantity
        if uom != product.uom_id:
            qty_in_product_uom = uom._compute_quantity(
                quantity, product.uom_id, raise_if_failure=False
            )
        item = next(
            (
                rule
                for rule in items
                if rule._is_applicable_for(product, qty_in_product_uom)
            ),
            self.env["product.pricelist.item"],
        )
        kwargs = {
            "product": product,
            "quantity": quantity,
            "uom": uom,
            "date": line.order_id.date_order,
            "currency": line.currency_id,
        }
        price = item._compute_price(**kwargs)
        if item._show_discount():
            price = max(price, item._compute_price_before_discount(**kwargs))
        return price

    def _check_discount_limit(self, data, order_ids, lines):
        limit = self.threshold
        return [
            (
                line["order_id"],
                line["id"],
                self.env._(
                    "%(product)s: discount %(discount)s%% is above the limit of "
                    "%(limit)s%%. Reduce the discount or ask a Coordination "
                    "Manager.",
                    product=data.product_name(line["product_id"]),
                    discount=line["discount"],
                    limit=self.threshold,
                ),
            )
            for line in lines
            if round(line["discount"] - limit, 2) > 0
        ]

    def _check_invalid_quantity(self, data, order_ids, lines):
        return [
            (
                line["order_id"],
                line["id"],
                self.env._(
                    "%(product)s: quantity %(qty)s is not positive. Enter the "
                    "ordered quantity or remove the line.",
                    product=data.product_name(line["product_id"]),
                    qty=line["qty"],
                ),
            )
            for line in lines
            if line["qty"] < 1
            and float_compare(
                line["qty"],
                0.0,
                precision_rounding=data.uom_rounding(line["uom_id"]) or 0.01,
            )
            <= 0
        ]

    def _check_packaging_multiple(self, data, order_ids, lines):
        packagings = (
            self.env["product.packaging"]
            .sudo()
            .search(
                [
                    ("product_id", "in", list({line["product_id"] for line in lines})),
                    ("sales", "=", True),
                    ("qty", ">", 0),
                ],
                order="qty desc, sequence, id",
            )
        )
        # (id, units per pack, name), largest first, per product
        by_product = defaultdict(list)
        for packaging in packagings:
            by_product[packaging.product_id.id].append(
                (packaging.id, packaging.qty, packaging.name)
            )
        findings = []
        for line in lines:
            product_packagings = by_product.get(line["product_id"])
            if not product_packagings or line["qty"] <= 0:
                continue
            _id, pack, name = next(
                (p for p in product_packagings if p[0] == line["packaging_id"]),
                product_packagings[-1],  # the smallest sales packaging
            )
            qty = data.product_qty(line)
            rounding = data.uom_rounding(line["product_uom_id"])
            remainder = qty - pack * round(qty / pack)
            if float_is_zero(remainder, precision_rounding=rounding):
                continue
            findings.append(
                (
                    line["order_id"],
                    line["id"],
                    self.env._(
                        "%(product)s: quantity %(qty)s is not a multiple of "
                        "the %(packaging)s of %(pack)s. Order %(lower)s or "
                        "%(upper)s.",
                        product=data.product_name(line["product_id"]),
                        qty=qty,
                        packaging=name,
                        pack=pack,
                        lower=pack * (qty // pack),
                        upper=pack * (qty // pack + 1),
                    ),
                )
            )
        return findings

    def _check_stock_availability(self, data, order_ids, lines):
        """Forecast per warehouse and product at each line's delivery date.

        Per warehouse: one read of the on-hand quantities and one grouped read
        of the incoming and outgoing moves per day; the forecast at any date is
        then computed in memory.
        """
        by_warehouse = defaultdict(list)
        for line in lines:
            if line["is_storable"] and line["qty"] > 0 and line["warehouse_id"]:
                by_warehouse[line["warehouse_id"]].append(line)
        findings = []
        now = fields.Datetime.now()
        for warehouse_id, wh_lines in by_warehouse.items():
            warehouse = self.env["stock.warehouse"].sudo().browse(warehouse_id)
            dates = {
                line["id"]: max(
                    data.orders[line["order_id"]]["commitment_date"]
                    or data.expected_date(line),
                    now,
                )
                for line in wh_lines
            }
            products = (
                self.env["product.product"]
                .browse({line["product_id"] for line in wh_lines})
                .with_context(warehouse_id=warehouse_id)
            )
            forecast = self._forecast_by_day(products, max(dates.values()))
            needed = defaultdict(float)
            for line in wh_lines:
                qty = data.product_qty(line)
                key = (line["order_id"], line["product_id"])
                needed[key] += qty
                available = forecast(line["product_id"], dates[line["id"]])
                rounding = data.uom_rounding(line["product_uom_id"])
                if (
                    float_compare(needed[key], available, precision_rounding=rounding)
                    <= 0
                ):
                    continue
                findings.append(
                    (
                        line["order_id"],
                        line["id"],
                        self.env._(
                            "%(product)s: %(qty)s needed on %(date)s but the "
                            "forecast of %(warehouse)s is %(available)s. "
                            "Move the delivery date or check with the "
                            "warehouse.",
                            product=data.product_name(line["product_id"]),
                            qty=qty,
                            date=fields.Date.to_string(dates[line["id"]].date()),
                            warehouse=warehouse.name,
                            available=available,
                        ),
                    )
                )
        return findings

    def _forecast_by_day(self, products, until):
        """Return ``forecast(product_id, date)`` for the warehouse in context."""
        quant_domain, in_domain, out_domain = products._get_domain_locations()
        Quant = self.env["stock.quant"].sudo().with_context(active_test=False)
        Move = self.env["stock.move"].sudo().with_context(active_test=False)
        on_hand = {
            product.id: quantity
            for product, quantity in Quant._read_group(
                [("product_id", "in", products.ids)] + quant_domain,
                ["product_id"],
                ["quantity:sum"],
            )
        }
        todo = [
            ("product_id", "in", products.ids),
            (
                "state",
                "in",
                ("waiting", "confirmed", "assigned", "partially_available"),
            ),
            ("date", "<=", until),
        ]
        deltas = defaultdict(list)
        for domain, sign in ((in_domain, 1), (out_domain, -1)):
            for product, day, qty in Move._read_group(
                todo + domain, ["product_id", "date:day"], ["product_qty:sum"]
            ):
                deltas[product.id].append(
                    (fields.Datetime.to_datetime(day), sign * qty)
                )

        def forecast(product_id, date):
            return on_hand.get(product_id, 0.0) + sum(
                qty for day, qty in deltas.get(product_id, ()) if day <= date
            )

        return forecast

    def _check_duplicate_order(self, data, order_ids, lines):
        """Another non-cancelled order of the same commercial partner with the
        same customer reference, or with the same products and quantities
        within ``threshold`` days."""
        days = timedelta(days=self.threshold or 0.0)
        orders = [data.orders[oid] for oid in order_ids]
        dates = [order["date_order"] for order in orders]
        others = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    (
                        "partner_id",
                        "child_of",
                        list({order["commercial_partner_id"] for order in orders}),
                    ),
                    ("state", "!=", "cancel"),
                    ("company_id", "in", list({o["company_id"] for o in orders})),
                    "|",
                    (
                        "client_order_ref",
                        "in",
                        [
                            o["client_order_ref"]
                            for o in orders
                            if o["client_order_ref"]
                        ],
                    ),
                    "&",
                    ("date_order", ">=", min(dates) - days),
                    ("date_order", "<=", max(dates) + days),
                ]
            )
        )
        # The orders found and their products and quantities, in two queries.
        rows = self.env.execute_query_dict(
            SQL(
                "SELECT o.id, o.name, o.company_id, p.commercial_partner_id, "
                "o.client_order_ref, o.date_order FROM sale_order o "
                "JOIN res_partner p ON p.id = o.partner_id WHERE o.id = ANY(%s)",
                others.ids,
            )
        )
        products_by_order = defaultdict(list)
        for order_id, product_id, qty in self.env.execute_query(
            SQL(
                "SELECT order_id, product_id, product_uom_qty FROM sale_order_line "
                "WHERE order_id = ANY(%s) AND display_type IS NULL "
                "AND product_id IS NOT NULL",
                others.ids,
            )
        ):
            products_by_order[order_id].append((product_id, qty))
        signatures = {
            oid: tuple(sorted(products)) for oid, products in products_by_order.items()
        }

        def key(order):
            return (order["company_id"], order["commercial_partner_id"])

        by_ref = defaultdict(list)
        by_lines = defaultdict(list)
        for other in rows:
            if other["client_order_ref"]:
                ref = other["client_order_ref"].strip().lower()
                by_ref[key(other) + (ref,)].append(other)
            by_lines[key(other) + (signatures.get(other["id"], ()),)].append(other)
        findings = []
        for order in orders:
            ref = (order["client_order_ref"] or "").strip().lower()
            same_ref = [
                o for o in by_ref.get(key(order) + (ref,), []) if o["id"] != order["id"]
            ]
            if ref and same_ref:
                findings.append(
                    (
                        order["id"],
                        False,
                        self.env._(
                            "%(other)s already carries the customer reference "
                            "%(ref)s. Check that this order is not entered twice.",
                            other=same_ref[0]["name"],
                            ref=order["client_order_ref"],
                        ),
                    )
                )
                continue
            signature = signatures.get(order["id"])
            if not signature:
                continue
            same_lines = [
                o
                for o in by_lines.get(key(order) + (signature,), [])
                if o["id"] != order["id"]
                and abs(o["date_order"] - order["date_order"]) <= days
            ]
            if same_lines:
                findings.append(
                    (
                        order["id"],
                        False,
                        self.env._(
                            "%(other)s has the same products and quantities within "
                            "%(days)s days. Check that this order is not entered "
                            "twice.",
                            other=same_lines[0]["name"],
                            days=self.threshold or 0.0,
                        ),
                    )
                )
        return findings

    def _check_credit_limit(self, data, order_ids, lines):
        """Open receivables + confirmed-but-uninvoiced orders + this order
        against the partner's credit limit, in company currency.

        Follows Odoo's account setting: the rule only applies in companies where
        "Sales Credit Limit" is enabled, to partners with a positive limit.
        """
        by_company = defaultdict(list)
        for oid in order_ids:
            by_company[data.orders[oid]["company_id"]].append(data.orders[oid])
        findings = []
        for company_id, orders in by_company.items():
            company = self.env["res.company"].sudo().browse(company_id)
            if not company.account_use_credit_limit:
                continue
            partners = (
                self.env["res.partner"]
                .sudo()
                .with_company(company)
                .browse({order["commercial_partner_id"] for order in orders})
            )
            partners = {partner.id: partner for partner in partners}
            limits = {
                pid: partner.credit_limit
                for pid, partner in partners.items()
                if partner.credit_limit > 0
            }
            if not limits:
                continue
            exposure = self._credit_exposure(
                company, self.env["res.partner"].sudo().browse(list(limits))
            )
            currency = company.currency_id
            for order in orders:
                partner_id = order["commercial_partner_id"]
                if partner_id not in limits:
                    continue
                amount = order["amount_total"] / (order["currency_rate"] or 1.0)
                total = exposure.get(partner_id, 0.0) + amount
                if currency.compare_amounts(total, limits[partner_id]) <= 0:
                    continue
                findings.append(
                    (
                        order["id"],
                        False,
                        self.env._(
                            "%(partner)s would owe %(total)s %(currency)s with "
                            "this order (open: %(open)s), above the credit "
                            "limit of %(limit)s. Ask for a payment or a "
                            "higher limit.",
                            partner=partners[partner_id].display_name,
                            total=currency.round(total),
                            currency=currency.name,
                            open=currency.round(exposure.get(partner_id, 0.0)),
                            limit=limits[partner_id],
                        ),
                    )
                )
        return findings

    def _credit_exposure(self, company, partners):
        """Open receivables plus confirmed orders not invoiced yet, per
        commercial partner, in the company's currency (two queries)."""
        exposure = defaultdict(float)
        for partner, amount in (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("parent_state", "=", "posted"),
                    ("company_id", "child_of", company.root_id.id),
                    ("account_id.account_type", "=", "asset_receivable"),
                    ("reconciled", "=", False),
                    ("partner_id", "child_of", partners.ids),
                ],
                ["partner_id"],
                ["amount_residual:sum"],
            )
        ):
            exposure[partner.commercial_partner_id.id] += amount
        SaleLine = self.env["sale.order.line"].sudo()
        for order, to_invoice in SaleLine._read_group(
            [
                ("order_id.partner_id", "child_of", partners.ids),
                ("order_id.company_id", "=", company.id),
                ("order_id.state", "=", "sale"),
                ("untaxed_amount_to_invoice", ">", 0),
            ],
            ["order_id"],
            ["untaxed_amount_to_invoice:sum"],
        ):
            ratio = (
                order.amount_total / order.amount_untaxed
                if order.amount_untaxed
                else 1.0
            )
            exposure[order.partner_id.commercial_partner_id.id] += (
                to_invoice * ratio / (order.currency_rate or 1.0)
            )
        return exposure

    def _check_minimum_order(self, data, order_ids, lines):
        if not self.threshold:
            return []
        findings = []
        for oid in order_ids:
            order = data.orders[oid]
            currency = data.currency(order["currency_id"])
            if currency.compare_amounts(order["amount_untaxed"], self.threshold) >= 0:
                continue
            findings.append(
                (
                    oid,
                    False,
                    self.env._(
                        "%(order)s amounts to %(amount)s %(currency)s untaxed, "
                        "below the minimum order of %(minimum)s. Suggest adding "
                        "products or grouping with the next order.",
                        order=order["name"],
                        amount=order["amount_untaxed"],
                        currency=currency.name,
                        minimum=self.threshold,
                    ),
                )
            )
        return findings

    def _check_unsellable_product(self, data, order_ids, lines):
        return [
            (
                line["order_id"],
                line["id"],
                self.env._(
                    "%(product)s is archived or not sellable. Replace it with an "
                    "active sellable product.",
                    product=data.product_name(line["product_id"]),
                ),
            )
            for line in lines
            if not (line["product_active"] and line["sale_ok"])
        ]


class _AccuracyData:
    """The values of a set of orders and of their product lines that the
    accuracy checks read, fetched set-wise in three queries.

    - ``orders``: ``{order_id: row}``, with the commercial partner and the
      delivery address's street, city and country of each order;
    - ``lines``: the ordered product lines (no sections or notes, and none of
      the lines other flows compute: down payments, re-invoiced expenses,
      delivery costs, rewards), with their product's data;
    - ``lines_by_order``: the same rows per order id;
    - ``no_variant_values``: ``{line_id: (attribute value ids)}``.

    Records (units, currencies, product names) are browsed on demand and
    memoized, with the prefetching of one environment.
    """

    # Lines other flows compute, when the module that adds them is installed.
    SPECIAL_LINE_FIELDS = (
        "is_downpayment",
        "is_expense",
        "is_delivery",
        "is_reward_line",
    )

    def __init__(self, env, orders):
        self.env = env
        self._product_names = None
        self._quantities = {}
        self._roundings = {}
        Order, Line = env["sale.order"], env["sale.order.line"]
        order_fields = [
            "name", "state", "company_id", "team_id", "partner_id",
            "partner_shipping_id", "client_order_ref", "payment_term_id",
            "pricelist_id", "currency_id", "date_order", "commitment_date",
            "amount_untaxed", "amount_total", "currency_rate",
            "accuracy_state", "accuracy_checked_date",
        ]  # fmt: skip
        line_fields = [
            "order_id", "display_type", "product_id", "product_uom_qty",
            "product_uom", "price_unit", "discount", "product_packaging_id",
            "combo_item_id", "customer_lead", "warehouse_id", "state",
        ]  # fmt: skip
        special = [
            Line._fields[name]
            for name in self.SPECIAL_LINE_FIELDS
            if name in Line._fields
        ]
        Order.flush_model(order_fields)
        Line.flush_model(line_fields + [f.name for f in special if f.store])
        env["res.partner"].flush_model(
            ["commercial_partner_id", "street", "city", "country_id"]
        )
        env["product.product"].flush_model(["active", "product_tmpl_id"])
        env["product.template"].flush_model(
            ["sale_ok", "type", "is_storable", "uom_id"]
        )
        self.orders = {
            row["id"]: row
            for row in env.execute_query_dict(
                SQL(
                    """
            SELECT o.id, o.name, o.state, o.company_id, o.team_id, o.partner_id,
                   p.commercial_partner_id, o.partner_shipping_id,
                   s.street, s.city, s.country_id,
                   o.client_order_ref, o.payment_term_id, o.pricelist_id,
                   o.currency_id, o.date_order, o.commitment_date,
                   o.amount_untaxed, o.amount_total, o.currency_rate,
                   o.accuracy_state, o.accuracy_checked_date
              FROM sale_order o
              JOIN res_partner p ON p.id = o.partner_id
         LEFT JOIN res_partner s ON s.id = o.partner_shipping_id
             WHERE o.id = ANY(%s)
          ORDER BY o.id
                    """,
                    orders.ids,
                )
            )
        }
        not_special = SQL(" ").join(
            SQL("AND l.%s IS NOT TRUE", SQL.identifier(field.name))
            for field in special
            if field.store
        )
        lines = env.execute_query_dict(
            SQL(
                """
            SELECT l.id, l.order_id, l.product_id, l.product_uom_qty AS qty,
                   l.product_uom AS uom_id, l.price_unit, l.discount,
                   l.product_packaging_id AS packaging_id, l.combo_item_id,
                   l.customer_lead, l.warehouse_id, l.state,
                   pp.active AS product_active, pt.sale_ok,
                   pt.type AS product_type, pt.is_storable,
                   pt.uom_id AS product_uom_id
              FROM sale_order_line l
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE l.order_id = ANY(%s) AND l.display_type IS NULL %s
          ORDER BY l.order_id, l.sequence, l.id
                """,
                list(self.orders),
                not_special,
            )
        )
        computed = [field.name for field in special if not field.store]
        if computed:  # e.g. reward lines: ask the ORM
            excluded = set(
                Line.browse([line["id"] for line in lines])
                .filtered(lambda line: any(line[name] for name in computed))
                .ids
            )
            lines = [line for line in lines if line["id"] not in excluded]
        self.lines = lines
        self.lines_by_order = defaultdict(list)
        for line in lines:
            self.lines_by_order[line["order_id"]].append(line)
        field = Line._fields["product_no_variant_attribute_value_ids"]
        self.no_variant_values = {
            line_id: tuple(value_ids)
            for line_id, value_ids in env.execute_query(
                SQL(
                    "SELECT %s, array_agg(%s ORDER BY %s) FROM %s "
                    "WHERE %s = ANY(%s) GROUP BY %s",
                    SQL.identifier(field.column1),
                    SQL.identifier(field.column2),
                    SQL.identifier(field.column2),
                    SQL.identifier(field.relation),
                    SQL.identifier(field.column1),
                    [line["id"] for line in lines],
                    SQL.identifier(field.column1),
                )
            )
        }
        # Odoo's own expected date, computed without a record when it is not
        # overridden (sale's: the order date once confirmed, else now, plus
        # the customer lead time).
        self._own_expected_date = (
            type(Line)._expected_date.__module__
            == "odoo.addons.sale.models.sale_order_line"
        )
        self._now = fields.Datetime.now()

    def uom(self, uom_id):
        return self.env["uom.uom"].browse(uom_id)

    def uom_rounding(self, uom_id):
        if uom_id not in self._roundings:
            self._roundings[uom_id] = self.uom(uom_id).rounding
        return self._roundings[uom_id]

    def currency(self, currency_id):
        return self.env["res.currency"].browse(currency_id)

    def product_name(self, product_id):
        """Display name of a product of the lines (all read at once)."""
        if self._product_names is None:
            products = (
                self.env["product.product"]
                .sudo()
                .with_context(active_test=False)
                .browse({line["product_id"] for line in self.lines})
            )
            self._product_names = {p.id: p.display_name for p in products}
        return self._product_names[product_id]

    def product_qty(self, line):
        """The line's quantity in its product's unit of measure."""
        key = (line["qty"], line["uom_id"], line["product_uom_id"])
        if key not in self._quantities:
            self._quantities[key] = self.uom(line["uom_id"])._compute_quantity(
                line["qty"], self.uom(line["product_uom_id"]), raise_if_failure=False
            )
        return self._quantities[key]

    def expected_date(self, line):
        if not self._own_expected_date:
            return self.env["sale.order.line"].browse(line["id"])._expected_date()
        date_order = self.orders[line["order_id"]]["date_order"]
        start = date_order if line["state"] == "sale" and date_order else self._now
        return start + timedelta(days=line["customer_lead"] or 0.0)
