from datetime import datetime
from unittest.mock import patch

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from odoo.addons.sales_coordination.hooks import post_init_hook

from .common import SalesCoordinationCase


@tagged("post_install", "-at_install")
class TestHistoryBackfill(SalesCoordinationCase):
    """The post-install back-fill, on orders whose addon fields are emptied
    as on a database where the addon was never installed."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.accuracy_mode = "observe"
        cls.product.invoice_policy = "order"
        cls.no_owner = cls.env["res.partner"].create(
            {"name": "Groomers Without Owner", "is_company": True}
        )
        cls.invoiced = cls._create_order(partner=cls.contact, team=cls.team)
        cls.untracked = cls._create_order(partner=cls.no_owner, team=cls.team)
        cls.quotation = cls._create_order(partner=cls.no_owner)
        cls.emailed = cls._create_order(partner=cls.no_owner)
        orders = cls.invoiced | cls.untracked
        orders.action_confirm()
        cls.invoices = cls.env["account.move"]
        for order in orders:
            invoice = order._create_invoices()
            invoice.action_post()
            cls.invoices |= invoice
        (cls.quotation | cls.emailed).write({"state": "sent"})
        cls.all_orders = orders | cls.quotation | cls.emailed
        cls._set(cls.invoiced, date_order="2025-03-04 10:00:00")
        cls._set(cls.untracked, date_order="2025-03-10 10:00:00")
        cls._set(cls.quotation | cls.emailed, date_order="2025-03-20 09:00:00")
        cls._set(cls.invoices[0], invoice_date="2025-03-06")
        cls._set(cls.invoices[1], invoice_date="2025-03-12")
        # The tracked posting of the first invoice and sending of the first
        # quotation (tracking is off in these tests: written as Odoo does).
        cls._track(cls.invoices[0], "Draft", "Posted", "2025-03-06 10:00:00")
        cls._track(cls.quotation, "Quotation", "Quotation Sent", "2025-03-21 08:00:00")
        # The second quotation went by email, which Odoo does not track.
        cls.env["mail.message"].create(
            {
                "model": "sale.order",
                "res_id": cls.emailed.id,
                "message_type": "comment",
                "body": "Your quotation",
                "date": "2025-03-22 15:00:00",
                "partner_ids": [Command.link(cls.no_owner.id)],
            }
        )
        cls._set(
            cls.all_orders,
            coordinator_id=None,
            administrator_id=None,
            invoice_posted_date=None,
            quotation_sent_date=None,
            accuracy_state="unchecked",
            accuracy_checked_date=None,
            accuracy_first_checked_date=None,
            first_time_right=None,
            data_entry_right=None,
        )

    @classmethod
    def _set(cls, records, **values):
        records.flush_recordset()
        cls.env.cr.execute(
            SQL(
                "UPDATE %s SET %s WHERE id IN %s",
                SQL.identifier(records._table),
                SQL(", ").join(
                    SQL("%s = %s", SQL.identifier(name), value)
                    for name, value in values.items()
                ),
                tuple(records.ids),
            )
        )
        records.invalidate_recordset()

    @classmethod
    def _track(cls, record, old, new, when):
        field = cls.env["ir.model.fields"]._get(record._name, "state")
        cls.env["mail.message"].create(
            {
                "model": record._name,
                "res_id": record.id,
                "message_type": "notification",
                "date": when,
                "tracking_value_ids": [
                    Command.create(
                        {
                            "field_id": field.id,
                            "old_value_char": old,
                            "new_value_char": new,
                        }
                    )
                ],
            }
        )

    def test_hook_fills_the_history(self):
        post_init_hook(self.env)
        # owners: the customer's commercial partner's, else the team's
        self.assertEqual(self.invoiced.coordinator_id, self.coordinator)
        self.assertEqual(self.invoiced.administrator_id, self.administrator)
        self.assertEqual(self.untracked.coordinator_id, self.team_coordinator)
        self.assertEqual(self.untracked.administrator_id, self.team_administrator)
        self.assertFalse(self.quotation.coordinator_id)
        # first invoice posted: its tracked posting, else its invoice date
        self.assertEqual(self.invoiced.invoice_posted_date, datetime(2025, 3, 6, 10, 0))
        self.assertEqual(self.untracked.invoice_posted_date, datetime(2025, 3, 12))
        self.assertFalse(self.quotation.invoice_posted_date)
        # quotation sent: its tracked sending, else its email to the customer
        self.assertEqual(
            self.quotation.quotation_sent_date, datetime(2025, 3, 21, 8, 0)
        )
        self.assertEqual(self.emailed.quotation_sent_date, datetime(2025, 3, 22, 15))
        self.assertFalse(self.invoiced.quotation_sent_date)
        kpis = self.env["sales.coordination.kpi"].get_kpis(
            "2025-03-01", "2025-03-31", team_ids=[self.team.id]
        )
        # (48 h + 38 h) / 2; the orders were never checked: no accuracy figure
        self.assertEqual(kpis["invoice_processing_hours"], 43.0)
        self.assertEqual(kpis["orders_confirmed"], 2)
        self.assertIs(kpis["order_accuracy_rate"], False)

    def test_batches_and_a_second_run(self):
        Order = type(self.env["sale.order"])
        # Two order ids per batch: the orders here fall in different batches.
        with patch.object(Order, "_history_batch_size", 2):
            post_init_hook(self.env)
        self.assertEqual(self.untracked.invoice_posted_date, datetime(2025, 3, 12))
        self.assertEqual(
            self.quotation.quotation_sent_date, datetime(2025, 3, 21, 8, 0)
        )
        self.assertEqual(self.untracked.coordinator_id, self.team_coordinator)
        # Nothing is overwritten by a second run.
        self.assertEqual(self.env["sale.order"]._history_backfill_owners(), 0)
        self.assertEqual(
            self.env["sale.order"]._history_backfill_invoice_posted_date(), 0
        )
        self.assertEqual(
            self.env["sale.order"]._history_backfill_quotation_sent_date(), 0
        )
