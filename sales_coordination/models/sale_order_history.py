# One model split by capability over several files, as Odoo's account does.
# pylint: disable=consider-merging-classes-inherited
import logging

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.sql import column_exists, create_column

_logger = logging.getLogger(__name__)


class SaleOrder(models.Model):
    """History: the KPI timestamps an order carries (first invoice posted,
    quotation sent) and the install-time back-fill of those and of the owners,
    in SQL and in batches (the post-install hook, hooks.py)."""

    _inherit = "sale.order"

    _history_batch_size = 100_000

    # === FIELDS ===

    invoice_posted_date = fields.Datetime(
        string="First Invoice Posted On",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="When the first customer invoice of this order was posted; "
        "the end of the invoice processing time.",
    )
    quotation_sent_date = fields.Datetime(
        string="Quotation Sent On",
        copy=False,
        readonly=True,
        index="btree_not_null",
        help="When the quotation was last sent; the follow-up rules count "
        "their delay from it.",
    )
    # === CRUD METHODS ===

    def _auto_init(self):
        # Created before the ORM sees the fields: the ORM would compute the
        # owners of every existing order one by one at install; on years of
        # orders the post-install hook does it in SQL instead
        # (_history_backfill_owners).
        cr = self.env.cr
        for column in ("coordinator_id", "administrator_id"):
            if not column_exists(cr, "sale_order", column):
                create_column(cr, "sale_order", column, "int4")
        return super()._auto_init()

    def write(self, vals):
        # Follow-ups: remember when the quotation was sent.
        if vals.get("state") == "sent" and "quotation_sent_date" not in vals:
            vals = dict(vals, quotation_sent_date=fields.Datetime.now())
        return super().write(vals)

    # === BUSINESS METHODS ===

    @api.model
    def _history_backfill(self):
        """Back-fill the addon's stored fields of the existing orders."""
        self.env.flush_all()
        self._history_backfill_owners()
        self._history_backfill_invoice_posted_date()
        self._history_backfill_quotation_sent_date()
        self.invalidate_model(
            ["coordinator_id", "administrator_id", "invoice_posted_date"]
            + ["quotation_sent_date"]
        )

    @api.model
    def _history_backfill_owners(self):
        """Coordinator and administrator of the orders that have none: the
        customer's commercial partner's, else the sales team's. The SQL form of
        the one owner resolver, ``res.partner._sc_resolve_owner``, which
        ``_compute_coordinator_id`` and the follow-ups' assignee chain call."""
        return self._history_run_batches(
            "owners",
            lambda low, high: SQL(
                """
                UPDATE sale_order so
                   SET coordinator_id = COALESCE(so.coordinator_id, src.coordinator),
                       administrator_id = COALESCE(so.administrator_id,
                                                   src.administrator)
                  FROM (
                    SELECT o.id,
                           COALESCE(cp.sales_coordinator_id, t.coordinator_id)
                               AS coordinator,
                           COALESCE(cp.sales_administrator_id, t.administrator_id)
                               AS administrator
                      FROM sale_order o
                      JOIN res_partner p ON p.id = o.partner_id
                      LEFT JOIN res_partner cp ON cp.id = p.commercial_partner_id
                      LEFT JOIN crm_team t ON t.id = o.team_id
                     WHERE o.id >= %(low)s AND o.id < %(high)s
                       AND (o.coordinator_id IS NULL OR o.administrator_id IS NULL)
                  ) AS src
                 WHERE so.id = src.id
                   AND so.id >= %(low)s AND so.id < %(high)s
                   AND ((so.coordinator_id IS NULL AND src.coordinator IS NOT NULL)
                        OR (so.administrator_id IS NULL
                            AND src.administrator IS NOT NULL))
                """,
                low=low,
                high=high,
            ),
        )

    @api.model
    def _history_backfill_invoice_posted_date(self):
        """When each order's first customer invoice was posted: the earliest
        tracked change of an invoice's state to posted, else (no tracking) the
        invoice date of its posted invoices, never before the order date."""
        state_field, labels = self._history_selection_labels(
            "account.move", "state", "posted"
        )
        return self._history_run_batches(
            "invoice_posted_date",
            lambda low, high: SQL(
                """
                UPDATE sale_order so
                   SET invoice_posted_date = src.posted
                  FROM (
                    SELECT sol.order_id,
                           min(COALESCE(
                               tracked.posted,
                               CASE WHEN am.state = 'posted' THEN
                                   GREATEST(am.invoice_date::timestamp, o.date_order)
                               END)) AS posted
                      FROM sale_order_line sol
                      JOIN sale_order o ON o.id = sol.order_id
                      JOIN sale_order_line_invoice_rel rel
                        ON rel.order_line_id = sol.id
                      JOIN account_move_line aml ON aml.id = rel.invoice_line_id
                      JOIN account_move am
                        ON am.id = aml.move_id AND am.move_type = 'out_invoice'
                      LEFT JOIN LATERAL (
                        SELECT min(m.date) AS posted
                          FROM mail_message m
                          JOIN mail_tracking_value v ON v.mail_message_id = m.id
                         WHERE m.model = 'account.move' AND m.res_id = am.id
                           AND v.field_id = %(field)s
                           AND v.new_value_char = ANY(%(labels)s)
                      ) AS tracked ON TRUE
                     WHERE sol.order_id >= %(low)s AND sol.order_id < %(high)s
                       AND o.invoice_posted_date IS NULL
                     GROUP BY sol.order_id
                  ) AS src
                 WHERE so.id = src.order_id AND src.posted IS NOT NULL
                   AND so.id >= %(low)s AND so.id < %(high)s
                """,
                field=state_field,
                labels=labels,
                low=low,
                high=high,
            ),
        )

    @api.model
    def _history_backfill_quotation_sent_date(self):
        """When each quotation was last sent: the latest tracked change of its
        state to sent. A quotation still sent without such a tracking (sent by
        email, which Odoo does not track) gets its last email to the
        customer, else its quotation date."""
        state_field, labels = self._history_selection_labels(
            "sale.order", "state", "sent"
        )
        return self._history_run_batches(
            "quotation_sent_date",
            lambda low, high: SQL(
                """
                UPDATE sale_order so
                   SET quotation_sent_date = COALESCE(
                           tracked.sent, emailed.sent, so.date_order)
                  FROM sale_order o
                  LEFT JOIN LATERAL (
                    SELECT max(m.date) AS sent
                      FROM mail_message m
                      JOIN mail_tracking_value v ON v.mail_message_id = m.id
                     WHERE m.model = 'sale.order' AND m.res_id = o.id
                       AND v.field_id = %(field)s
                       AND v.new_value_char = ANY(%(labels)s)
                  ) AS tracked ON TRUE
                  LEFT JOIN LATERAL (
                    SELECT max(m.date) AS sent
                      FROM mail_message m
                     WHERE o.state = 'sent'
                       AND m.model = 'sale.order' AND m.res_id = o.id
                       AND m.message_type = 'comment'
                       AND EXISTS(
                           SELECT 1 FROM mail_message_res_partner_rel r
                            WHERE r.mail_message_id = m.id
                              AND r.res_partner_id = o.partner_id)
                  ) AS emailed ON TRUE
                 WHERE so.id = o.id
                   AND so.id >= %(low)s AND so.id < %(high)s
                   AND o.id >= %(low)s AND o.id < %(high)s
                   AND o.quotation_sent_date IS NULL
                   AND (tracked.sent IS NOT NULL OR o.state = 'sent')
                """,
                field=state_field,
                labels=labels,
                low=low,
                high=high,
            ),
        )

    @api.model
    def _history_selection_labels(self, model, fname, value):
        """(field id, labels of ``value`` in every language): tracking values
        keep a selection's label, in the language of whoever changed it."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT f.id, array_agg(DISTINCT t.label)
                  FROM ir_model_fields f
                  JOIN ir_model_fields_selection s
                    ON s.field_id = f.id AND s.value = %(value)s
                 CROSS JOIN LATERAL jsonb_each_text(s.name) AS t(lang, label)
                 WHERE f.model = %(model)s AND f.name = %(fname)s
                 GROUP BY f.id
                """,
                model=model,
                fname=fname,
                value=value,
            )
        )
        if not rows:
            return 0, []
        return rows[0]

    @api.model
    def _history_run_batches(self, label, make_statement):
        """Run ``make_statement(low, high)`` over the order ids in ranges of
        ``_history_batch_size`` ids (the batch walker,
        ``sales.coordination.batch``), logging the progress; return the
        number of orders updated."""
        cr = self.env.cr
        cr.execute("SELECT min(id), max(id) FROM sale_order")
        first, last = cr.fetchone()
        if first is None:
            return 0
        size = self._history_batch_size
        updated = 0

        def step(after_id):
            nonlocal updated
            low = max(after_id + 1, first)
            if low > last:
                return None
            high = min(low + size, last + 1)
            cr.execute(make_statement(low, high))
            updated += cr.rowcount
            _logger.info(
                "Sales Coordination back-fill of %s: orders up to id %s of %s, "
                "%s updated",
                label,
                high - 1,
                last,
                updated,
            )
            # the ids walked: a range shorter than the batch is the last one
            return high - low, high - 1

        self.env["sales.coordination.batch"]._sc_walk_batches(
            step, batch_size=size, after_id=first - 1
        )
        return updated
