from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools import SQL, float_compare, float_is_zero, float_round
from odoo.tools.safe_eval import safe_eval

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


class SaleAccuracyRule(models.Model):
    """A check run on quotations before confirmation.

    Each built-in ``check_type`` has one private method ``_check_<type>``
    that receives the whole recordset of orders the rule applies to and
    returns its findings, with a number of queries that does not depend on
    the number of orders.
    """

    _name = "sale.accuracy.rule"
    _description = "Order Accuracy Rule"
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Stable key of the rule, unique per company.",
    )
    active = fields.Boolean(default=True)
    sequence = fields.Integer(default=10)
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
    threshold = fields.Float(
        help="Percentage, number of days or amount, depending on the check type.",
    )
    team_ids = fields.Many2many(
        comodel_name="crm.team",
        string="Sales Teams",
        check_company=True,
        help="Leave empty to apply the rule to every team.",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        string="Company",
        index=True,
        help="Leave empty to apply the rule in every company.",
    )
    description = fields.Text(translate=True)

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

    @api.constrains("check_type", "domain", "threshold")
    def _check_domain_threshold(self):
        for rule in self:
            if rule.threshold < 0:
                raise ValidationError(
                    self.env._(
                        "The threshold of %(rule)s cannot be negative.", rule=rule.name
                    )
                )
            if rule.check_type != "domain":
                continue
            try:
                domain = safe_eval(rule.domain or "[]")
                domain = self.env["sales.coordination.rpc.check"]._sc_check_domain(
                    domain, "sale.order"
                )
                expression.expression(domain, self.env["sale.order"])
            except Exception as exc:
                raise ValidationError(
                    self.env._(
                        "The domain of %(rule)s is not a valid sale order domain: "
                        "%(error)s",
                        rule=rule.name,
                        error=exc,
                    )
                ) from exc

    # === BUSINESS METHODS ===

    def _applicable_orders(self, orders):
        """The orders this rule applies to (company and team)."""
        self.ensure_one()
        if not self.company_id and not self.team_ids:
            return orders
        return orders.filtered(
            lambda o: (
                (not self.company_id or o.company_id == self.company_id)
                and (not self.team_ids or o.team_id in self.team_ids)
            )
        )

    def _run_checks(self, orders):
        """Run every rule in ``self`` on the orders it applies to.

        Each check receives the orders and their product lines, and returns
        ``(order, line or None, message)`` findings.

        :return: list of findings ``(rule, order, line, message)``
        """
        all_lines = self._product_lines(orders)
        line_ids_by_order = defaultdict(list)
        for line in all_lines:
            line_ids_by_order[line.order_id.id].append(line.id)
        findings = []
        for rule in self:
            applicable = rule._applicable_orders(orders)
            if not applicable:
                continue
            if len(applicable) == len(orders):
                lines = all_lines
            else:
                lines = all_lines.browse(
                    [i for oid in applicable.ids for i in line_ids_by_order[oid]]
                )
            method = getattr(rule, f"_check_{rule.check_type}")
            for order, line, message in method(applicable, lines):
                findings.append((rule, order, line, message))
        return findings

    def _product_lines(self, orders):
        """The ordered product lines: no sections or notes, and none of the
        lines other flows compute (down payments, re-invoiced expenses,
        delivery costs, rewards)."""
        special = [
            name
            for name in (
                "is_downpayment",
                "is_expense",
                "is_delivery",
                "is_reward_line",
            )
            if name in self.env["sale.order.line"]._fields
        ]
        return orders.order_line.filtered(
            lambda line: (
                not line.display_type
                and line.product_id
                and not any(line[name] for name in special)
            )
        )

    # --- one private check per check type, each set-wise ---

    def _check_domain(self, orders, lines):
        domain = safe_eval(self.domain or "[]")
        matching = orders.filtered_domain(domain)
        return [
            (
                order,
                None,
                self.env._(
                    "%(order)s matches the rule %(rule)s. Correct the order or "
                    "ask a Coordination Manager.",
                    order=order.name,
                    rule=self.name,
                ),
            )
            for order in matching
        ]

    def _check_missing_client_ref(self, orders, lines):
        return [
            (
                order,
                None,
                self.env._(
                    "%(order)s has no customer reference. Enter the customer's "
                    "PO number in Customer Reference.",
                    order=order.name,
                ),
            )
            for order in orders
            if not (order.client_order_ref or "").strip()
        ]

    def _check_incomplete_delivery_address(self, orders, lines):
        findings = []
        for order in orders:
            address = order.partner_shipping_id
            missing = [
                label
                for label, value in (
                    (self.env._("street"), address.street),
                    (self.env._("city"), address.city),
                    (self.env._("country"), address.country_id),
                )
                if not value
            ]
            if missing:
                findings.append(
                    (
                        order,
                        None,
                        self.env._(
                            "The delivery address %(address)s lacks: %(missing)s. "
                            "Complete the address before confirming.",
                            address=address.display_name or self.env._("(none)"),
                            missing=", ".join(missing),
                        ),
                    )
                )
        return findings

    def _check_missing_payment_term(self, orders, lines):
        return [
            (
                order,
                None,
                self.env._(
                    "%(order)s has no payment term. Set the customer's agreed "
                    "payment term.",
                    order=order.name,
                ),
            )
            for order in orders
            if not order.payment_term_id
        ]

    def _check_price_deviation(self, orders, lines):
        """Compare each line's unit price with the price its pricelist gives.

        The pricelist rules are fetched once per pricelist for all products
        (today's rules); the matching is done in memory, as Odoo's
        ``_get_display_price`` does line by line.
        """
        findings = []
        lines = lines.filtered(
            lambda line: (
                line.order_id.pricelist_id
                and line.product_id.type != "combo"
                and not line.combo_item_id
            )
        )
        now = fields.Datetime.now()
        for pricelist, pl_lines in lines.grouped(
            lambda line: line.order_id.pricelist_id
        ).items():
            items = pricelist._get_applicable_rules(pl_lines.product_id, now)
            # Lines of the same product, quantity, unit and day share a price.
            memo = {}
            for line in pl_lines:
                key = (
                    line.product_id.id,
                    line.product_uom_qty,
                    line.product_uom.id,
                    line.currency_id.id,
                    line.order_id.date_order.date(),
                    line.product_no_variant_attribute_value_ids.ids,
                )
                key = key[:-1] + (tuple(key[-1]),)
                if key not in memo:
                    memo[key] = self._expected_price(line, items)
                expected = memo[key]
                if not expected:
                    continue
                deviation = abs(line.price_unit - expected) / abs(expected) * 100
                if round(deviation - self.threshold, 2) > 0:
                    findings.append(
                        (
                            line.order_id,
                            line,
                            self.env._(
                                "%(product)s: unit price %(price)s differs by "
                                "%(deviation)s%% from the pricelist price "
                                "%(expected)s (limit %(limit)s%%). Update the "
                                "price or correct the pricelist.",
                                product=line.product_id.display_name,
                                price=line.price_unit,
                                deviation=float_round(deviation, 2),
                                expected=float_round(
                                    expected,
                                    precision_rounding=line.currency_id.rounding,
                                ),
                                limit=self.threshold,
                            ),
                        )
                    )
        return findings

    def _expected_price(self, line, items):
        """Unit price the pricelist shows for ``line`` (before discount)."""
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

    def _check_discount_limit(self, orders, lines):
        return [
            (
                line.order_id,
                line,
                self.env._(
                    "%(product)s: discount %(discount)s%% is above the limit of "
                    "%(limit)s%%. Reduce the discount or ask a Coordination "
                    "Manager.",
                    product=line.product_id.display_name,
                    discount=line.discount,
                    limit=self.threshold,
                ),
            )
            for line in lines
            if round(line.discount - self.threshold, 2) > 0
        ]

    def _check_invalid_quantity(self, orders, lines):
        return [
            (
                line.order_id,
                line,
                self.env._(
                    "%(product)s: quantity %(qty)s is not positive. Enter the "
                    "ordered quantity or remove the line.",
                    product=line.product_id.display_name,
                    qty=line.product_uom_qty,
                ),
            )
            for line in lines
            if line.product_uom_qty < 1
            and float_compare(
                line.product_uom_qty,
                0.0,
                precision_rounding=line.product_uom.rounding or 0.01,
            )
            <= 0
        ]

    def _check_packaging_multiple(self, orders, lines):
        packagings = (
            self.env["product.packaging"]
            .sudo()
            .search(
                [
                    ("product_id", "in", lines.product_id.ids),
                    ("sales", "=", True),
                    ("qty", ">", 0),
                ],
                order="qty desc, sequence, id",
            )
        )
        by_product = defaultdict(list)
        for packaging in packagings:
            by_product[packaging.product_id.id].append(packaging)
        findings = []
        for line in lines:
            product_packagings = by_product.get(line.product_id.id)
            if not product_packagings or line.product_uom_qty <= 0:
                continue
            packaging = line.product_packaging_id.sudo()
            if packaging not in product_packagings:
                packaging = product_packagings[-1]  # the smallest sales packaging
            qty = line.product_uom._compute_quantity(
                line.product_uom_qty, line.product_id.uom_id, raise_if_failure=False
            )
            rounding = line.product_id.uom_id.rounding
            remainder = qty - packaging.qty * round(qty / packaging.qty)
            if not float_is_zero(remainder, precision_rounding=rounding):
                findings.append(
                    (
                        line.order_id,
                        line,
                        self.env._(
                            "%(product)s: quantity %(qty)s is not a multiple of "
                            "the %(packaging)s of %(pack)s. Order %(lower)s or "
                            "%(upper)s.",
                            product=line.product_id.display_name,
                            qty=qty,
                            packaging=packaging.name,
                            pack=packaging.qty,
                            lower=packaging.qty * (qty // packaging.qty),
                            upper=packaging.qty * (qty // packaging.qty + 1),
                        ),
                    )
                )
        return findings

    def _check_stock_availability(self, orders, lines):
        """Forecast per warehouse and product at each line's delivery date.

        Per warehouse: one read of the on-hand quantities and one grouped read
        of the incoming and outgoing moves per day; the forecast at any date is
        then computed in memory.
        """
        lines = lines.filtered(
            lambda line: (
                line.product_id.is_storable
                and line.product_uom_qty > 0
                and line.warehouse_id
            )
        )
        findings = []
        now = fields.Datetime.now()
        for warehouse, wh_lines in lines.grouped("warehouse_id").items():
            dates = {
                line: max(line.order_id.commitment_date or line._expected_date(), now)
                for line in wh_lines
            }
            products = wh_lines.product_id.with_context(warehouse_id=warehouse.id)
            forecast = self._forecast_by_day(products, max(dates.values()))
            needed = defaultdict(float)
            for line in wh_lines:
                product = line.product_id
                qty = line.product_uom._compute_quantity(
                    line.product_uom_qty, product.uom_id, raise_if_failure=False
                )
                needed[(line.order_id.id, product.id)] += qty
                available = forecast(product.id, dates[line])
                if (
                    float_compare(
                        needed[(line.order_id.id, product.id)],
                        available,
                        precision_rounding=product.uom_id.rounding,
                    )
                    > 0
                ):
                    findings.append(
                        (
                            line.order_id,
                            line,
                            self.env._(
                                "%(product)s: %(qty)s needed on %(date)s but the "
                                "forecast of %(warehouse)s is %(available)s. "
                                "Move the delivery date or check with the "
                                "warehouse.",
                                product=product.display_name,
                                qty=qty,
                                date=fields.Date.to_string(dates[line].date()),
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
                deltas[product.id].append((day, sign * qty))

        def forecast(product_id, date):
            return on_hand.get(product_id, 0.0) + sum(
                qty
                for day, qty in deltas.get(product_id, ())
                if fields.Datetime.to_datetime(day) <= date
            )

        return forecast

    def _check_duplicate_order(self, orders, lines):
        """Another non-cancelled order of the same commercial partner with the
        same customer reference, or with the same products and quantities
        within ``threshold`` days."""
        days = self.threshold or 0.0
        partners = orders.partner_id.commercial_partner_id
        dates = orders.mapped("date_order")
        others = (
            self.env["sale.order"]
            .sudo()
            .search(
                [
                    ("partner_id", "child_of", partners.ids),
                    ("state", "!=", "cancel"),
                    ("company_id", "in", orders.company_id.ids),
                    "|",
                    (
                        "client_order_ref",
                        "in",
                        [ref for ref in orders.mapped("client_order_ref") if ref],
                    ),
                    "&",
                    ("date_order", ">=", min(dates) - timedelta(days=days)),
                    ("date_order", "<=", max(dates) + timedelta(days=days)),
                ]
            )
        )
        # The products and quantities of all those orders, in one query.
        self.env["sale.order.line"].flush_model(
            ["order_id", "product_id", "product_uom_qty", "display_type"]
        )
        rows = self.env.execute_query(
            SQL(
                "SELECT order_id, product_id, product_uom_qty FROM sale_order_line "
                "WHERE order_id = ANY(%s) AND display_type IS NULL "
                "AND product_id IS NOT NULL",
                others.ids,
            )
        )
        products_by_order = defaultdict(list)
        for order_id, product_id, qty in rows:
            products_by_order[order_id].append((product_id, qty))

        def signature(order):
            return tuple(sorted(products_by_order.get(order.id, ())))

        by_ref = defaultdict(list)
        by_lines = defaultdict(list)
        for other in others:
            key = (other.company_id.id, other.partner_id.commercial_partner_id.id)
            if other.client_order_ref:
                by_ref[key + (other.client_order_ref.strip().lower(),)].append(other)
            by_lines[key + (signature(other),)].append(other)
        findings = []
        for order in orders:
            key = (order.company_id.id, order.partner_id.commercial_partner_id.id)
            ref = (order.client_order_ref or "").strip().lower()
            same_ref = (
                [o for o in by_ref.get(key + (ref,), []) if o.id != order.id]
                if ref
                else []
            )
            if same_ref:
                findings.append(
                    (
                        order,
                        None,
                        self.env._(
                            "%(other)s already carries the customer reference "
                            "%(ref)s. Check that this order is not entered twice.",
                            other=same_ref[0].name,
                            ref=order.client_order_ref,
                        ),
                    )
                )
                continue
            sig = signature(order)
            if not sig:
                continue
            same_lines = [
                o
                for o in by_lines.get(key + (sig,), [])
                if o.id != order.id
                and abs(o.date_order - order.date_order) <= timedelta(days=days)
            ]
            if same_lines:
                findings.append(
                    (
                        order,
                        None,
                        self.env._(
                            "%(other)s has the same products and quantities within "
                            "%(days)s days. Check that this order is not entered "
                            "twice.",
                            other=same_lines[0].name,
                            days=days,
                        ),
                    )
                )
        return findings

    def _check_credit_limit(self, orders, lines):
        """Open receivables + confirmed-but-uninvoiced orders + this order
        against the partner's credit limit, in company currency.

        Follows Odoo's account setting: the rule only applies in companies where
        "Sales Credit Limit" is enabled, to partners with a positive limit.
        """
        findings = []
        for company, company_orders in orders.grouped("company_id").items():
            if not company.account_use_credit_limit:
                continue
            partners = (
                company_orders.partner_id.commercial_partner_id.sudo().with_company(
                    company
                )
            )
            limits = {p.id: p.credit_limit for p in partners if p.credit_limit > 0}
            if not limits:
                continue
            exposure = self._credit_exposure(company, partners.browse(list(limits)))
            for order in company_orders:
                partner = order.partner_id.commercial_partner_id
                if partner.id not in limits:
                    continue
                amount = order.amount_total / (order.currency_rate or 1.0)
                total = exposure.get(partner.id, 0.0) + amount
                if company.currency_id.compare_amounts(total, limits[partner.id]) > 0:
                    findings.append(
                        (
                            order,
                            None,
                            self.env._(
                                "%(partner)s would owe %(total)s %(currency)s with "
                                "this order (open: %(open)s), above the credit "
                                "limit of %(limit)s. Ask for a payment or a "
                                "higher limit.",
                                partner=partner.display_name,
                                total=company.currency_id.round(total),
                                currency=company.currency_id.name,
                                open=company.currency_id.round(
                                    exposure.get(partner.id, 0.0)
                                ),
                                limit=limits[partner.id],
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

    def _check_minimum_order(self, orders, lines):
        if not self.threshold:
            return []
        return [
            (
                order,
                None,
                self.env._(
                    "%(order)s amounts to %(amount)s %(currency)s untaxed, below the "
                    "minimum order of %(minimum)s. Suggest adding products or "
                    "grouping with the next order.",
                    order=order.name,
                    amount=order.amount_untaxed,
                    currency=order.currency_id.name,
                    minimum=self.threshold,
                ),
            )
            for order in orders
            if order.currency_id.compare_amounts(order.amount_untaxed, self.threshold)
            < 0
        ]

    def _check_unsellable_product(self, orders, lines):
        unsellable = set(
            lines.product_id.sudo().filtered(lambda p: not (p.active and p.sale_ok)).ids
        )
        if not unsellable:
            return []
        return [
            (
                line.order_id,
                line,
                self.env._(
                    "%(product)s is archived or not sellable. Replace it with an "
                    "active sellable product.",
                    product=line.product_id.sudo().display_name,
                ),
            )
            for line in lines
            if line.product_id.id in unsellable
        ]
