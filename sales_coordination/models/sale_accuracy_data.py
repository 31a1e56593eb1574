import functools
import math
from collections import defaultdict
from datetime import timedelta

from odoo import fields
from odoo.tools import SQL, float_is_zero, float_round, format_amount


@functools.lru_cache(maxsize=4096)
def format_number(value, rounding=0.01):
    """``value`` rounded to ``rounding``, without spurious decimals: 12.0
    reads 12, 2.50 reads 2.5. (A pure function, memoized: the messages of
    thousands of lines repeat the same few numbers.)"""
    digits = max(0, -math.floor(math.log10(rounding))) if rounding else 2
    text = f"{float_round(value, precision_rounding=rounding or 0.01):.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def pg_array(values):
    """``values`` (ints, floats, booleans, strings or None) as the text of
    one PostgreSQL array, ``{1,2,NULL}``, for a parameter cast to an array
    type (``%s::int4[]``). psycopg2 turns a Python list into ``ARRAY[...]``
    of as many constants, adapted one by one here and parsed one by one by
    the server: on the tens of thousands of values of a large check, that
    costs more than the statement itself; one string costs next to
    nothing on both sides."""
    if all(type(value) is int for value in values):
        return "{" + ",".join(map(str, values)) + "}"
    parts = []
    append = parts.append
    for value in values:
        if value is None:
            append("NULL")
        elif value is True or value is False:
            append("t" if value else "f")
        elif isinstance(value, int | float):
            append(repr(value))
        else:
            text = str(value)
            if "\\" in text or '"' in text:
                text = text.replace("\\", "\\\\").replace('"', '\\"')
            append(f'"{text}"')
    return "{" + ",".join(parts) + "}"


def query_dicts(env, query):
    """``env.execute_query_dict(query)``, with the rows built by ``dict(zip())``:
    twice as fast on the tens of thousands of rows of a large check."""
    rows = env.execute_query(query)
    if not rows:
        return []
    names = [column.name for column in env.cr.description]
    return [dict(zip(names, row, strict=False)) for row in rows]


class _AccuracyData:
    """The values of a set of orders and of their product lines that the
    accuracy checks read, fetched set-wise in two queries (a third one for
    the attribute values, when a check asks for them).

    - ``orders``: ``{order_id: row}``, with the commercial partner and the
      delivery address's street, city and country of each order;
    - ``lines``: the ordered product lines (no sections or notes, and none of
      the lines other flows compute: down payments, re-invoiced expenses,
      delivery costs, rewards), with their product's data;
    - ``lines_by_order``: the same rows per order id;
    - ``no_variant_values``: ``{line_id: (attribute value ids)}``.

    Records (units, currencies, product names) are browsed on demand and
    memoized, with the prefetching of one environment.

    Extra columns: ``sale.accuracy.rule._accuracy_order_columns()`` and
    ``_accuracy_line_columns()`` name more stored fields of the order and of
    the line (``{key: field name}``); each row then carries ``row[key]``,
    read in the same queries.
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
        self._zero_amounts = {}
        Order, Line = env["sale.order"], env["sale.order.line"]
        order_fields = [
            "name", "state", "company_id", "team_id", "partner_id",
            "partner_shipping_id", "client_order_ref", "payment_term_id",
            "pricelist_id", "currency_id", "date_order", "commitment_date",
            "fiscal_position_id",
            "amount_untaxed", "amount_total", "currency_rate",
            "accuracy_state", "accuracy_checked_date", "accuracy_first_checked_date",
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
        Rule = env["sale.accuracy.rule"]
        extra_order = Rule._accuracy_order_columns()
        extra_line = Rule._accuracy_line_columns()
        order_fields += list(extra_order.values())
        line_fields += list(extra_line.values())
        Order.flush_model(order_fields)
        Line.flush_model(line_fields + [f.name for f in special if f.store])
        env["res.partner"].flush_model(
            ["commercial_partner_id", "street", "city", "country_id"]
        )
        env["product.product"].flush_model(["active", "product_tmpl_id"])
        env["product.template"].flush_model(
            ["sale_ok", "type", "is_storable", "uom_id"]
        )
        # numeric columns are read as float8: the same floats as Odoo's
        # conversion of numerics (float() of their text), converted by the
        # driver instead of a Python call per value
        self.orders = {
            row["id"]: row
            for row in query_dicts(
                env,
                SQL(
                    """
            SELECT o.id, o.name, o.state, o.company_id, o.team_id, o.partner_id,
                   p.commercial_partner_id, o.partner_shipping_id,
                   s.street, s.city, s.country_id,
                   o.client_order_ref, o.payment_term_id, o.pricelist_id,
                   o.currency_id, o.date_order, o.commitment_date,
                   o.fiscal_position_id,
                   o.amount_untaxed::float8 AS amount_untaxed,
                   o.amount_total::float8 AS amount_total,
                   o.currency_rate::float8 AS currency_rate,
                   o.accuracy_state, o.accuracy_checked_date,
                   o.accuracy_first_checked_date %s
              FROM sale_order o
              JOIN res_partner p ON p.id = o.partner_id
         LEFT JOIN res_partner s ON s.id = o.partner_shipping_id
             WHERE o.id = ANY(%s::int4[])
          ORDER BY o.id
                    """,
                    self._extra_columns("o", Order, extra_order),
                    pg_array(orders.ids),
                ),
            )
        }
        not_special = SQL(" ").join(
            SQL("AND l.%s IS NOT TRUE", SQL.identifier(field.name))
            for field in special
            if field.store
        )
        lines = query_dicts(
            env,
            SQL(
                """
            SELECT l.id, l.order_id, l.product_id, l.product_uom_qty::float8 AS qty,
                   l.product_uom AS uom_id, l.price_unit::float8 AS price_unit,
                   l.discount::float8 AS discount,
                   l.product_packaging_id AS packaging_id, l.combo_item_id,
                   l.customer_lead, l.warehouse_id, l.state,
                   pp.active AS product_active, pt.sale_ok,
                   pt.type AS product_type, pt.is_storable,
                   pt.uom_id AS product_uom_id %s
              FROM sale_order_line l
              JOIN product_product pp ON pp.id = l.product_id
              JOIN product_template pt ON pt.id = pp.product_tmpl_id
             WHERE l.order_id = ANY(%s::int4[]) AND l.display_type IS NULL %s
          ORDER BY l.order_id, l.sequence, l.id
                """,
                self._extra_columns("l", Line, extra_line),
                pg_array(self.orders),
                not_special,
            ),
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
        self._no_variant_values = None
        # the automatic check's lines to price and products to forecast (see
        # _accuracy_run_orders); None: all of them
        self.price_scope = None
        self.stock_scope = None
        # the open and overridden issues of the orders, when the caller read
        # them: rows (id, order_id, line_id or 0, rule_id, state, message)
        self.held_issues = None
        # Odoo's own expected date, computed without a record when it is not
        # overridden (sale's: the order date once confirmed, else now, plus
        # the customer lead time).
        self._own_expected_date = (
            type(Line)._expected_date.__module__
            == "odoo.addons.sale.models.sale_order_line"
        )
        self._now = fields.Datetime.now()

    @property
    def no_variant_values(self):
        """``{line_id: (attribute value ids)}``, read in one query when a
        check first asks (the price check does; most others never)."""
        if self._no_variant_values is None:
            Line = self.env["sale.order.line"]
            field = Line._fields["product_no_variant_attribute_value_ids"]
            Line.flush_model([field.name])
            self._no_variant_values = {
                line_id: tuple(value_ids)
                for line_id, value_ids in self.env.execute_query(
                    SQL(
                        "SELECT %s, array_agg(%s ORDER BY %s) FROM %s "
                        "WHERE %s = ANY(%s::int4[]) GROUP BY %s",
                        SQL.identifier(field.column1),
                        SQL.identifier(field.column2),
                        SQL.identifier(field.column2),
                        SQL.identifier(field.relation),
                        SQL.identifier(field.column1),
                        pg_array([line["id"] for line in self.lines]),
                        SQL.identifier(field.column1),
                    )
                )
            }
        return self._no_variant_values

    @staticmethod
    def _extra_columns(alias, model, columns):
        """``, alias.column AS key`` for each extra stored column."""
        for name in columns.values():
            field = model._fields.get(name)
            if not (field and field.store and field.column_type):
                raise ValueError(f"{model._name}.{name} is not a stored column")
        return SQL("").join(
            SQL(", %s AS %s", SQL.identifier(alias, name), SQL.identifier(key))
            for key, name in columns.items()
        )

    def uom(self, uom_id):
        return self.env["uom.uom"].browse(uom_id)

    def format_qty(self, qty, uom_id):
        """A quantity as a person writes it: ``5 Units``, ``2.5 kg``."""
        return self.env._(
            "%(qty)s %(uom)s",
            qty=format_number(qty, self.uom_rounding(uom_id)),
            uom=self.uom(uom_id).name,
        )

    def format_amount(self, amount, currency_id):
        """An amount in its currency, with its symbol: ``€ 1,500.00``."""
        return format_amount(self.env, amount, self.currency(currency_id))

    @staticmethod
    def format_percent(value):
        """A percentage without trailing zeros: ``15%``, ``2.5%``."""
        return f"{format_number(value)}%"

    def uom_rounding(self, uom_id):
        if uom_id not in self._roundings:
            self._roundings[uom_id] = self.uom(uom_id).rounding
        return self._roundings[uom_id]

    def currency(self, currency_id):
        return self.env["res.currency"].browse(currency_id)

    def amount_is_zero(self, amount, currency_id):
        """``currency.is_zero(amount)``, memoized for the check."""
        key = (amount, currency_id)
        if key not in self._zero_amounts:
            self._zero_amounts[key] = float_is_zero(
                amount, precision_rounding=self.currency(currency_id).rounding
            )
        return self._zero_amounts[key]

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
