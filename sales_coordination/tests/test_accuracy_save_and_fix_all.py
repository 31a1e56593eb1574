from types import MappingProxyType

from odoo import Command
from odoo.tests import tagged

from .common import arch_text
from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracySaveAndFixAll(AccuracyCase):
    """The form's save answers with what the checks found; one click fixes
    everything fixable; a fix of an issue already solved is no error."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.ref("base.group_user").implied_ids |= cls.env.ref(
            "product.group_stock_packaging"
        )
        cls.env["product.packaging"].create(
            {"name": "Case", "product_id": cls.product.id, "qty": 12, "sales": True}
        )

    SPEC = MappingProxyType(
        {
            "accuracy_state": {},
            "accuracy_open_issue_ids": {"fields": {"message": {}, "fix_label": {}}},
        }
    )

    def test_the_save_answers_with_the_checked_state_and_the_banner(self):
        # a new quotation saved from the form: checked in the answer
        answer = (
            self.env["sale.order"]
            .with_user(self.administrator)
            .web_save(
                {
                    "partner_id": self.customer.id,
                    "client_order_ref": "PO-SAVE-1",
                    "payment_term_id": self.payment_term.id,
                    "pricelist_id": self.pricelist.id,
                    "order_line": [
                        Command.create(
                            {"product_id": self.product.id, "product_uom_qty": 5}
                        )
                    ],
                },
                dict(self.SPEC),
            )[0]
        )
        self.assertEqual(answer["accuracy_state"], "warning")
        messages = [issue["message"] for issue in answer["accuracy_open_issue_ids"]]
        self.assertEqual(len(messages), 1)
        self.assertIn("5 Units", messages[0])
        # corrected and saved: the answer has no issue left
        saved = self.env["sale.order"].browse(answer["id"])
        answer = saved.with_user(self.administrator).web_save(
            {
                "order_line": [
                    Command.update(saved.order_line.id, {"product_uom_qty": 12})
                ]
            },
            dict(self.SPEC),
        )[0]
        self.assertEqual(answer["accuracy_state"], "passed")
        self.assertEqual(answer["accuracy_open_issue_ids"], [])

    def test_fix_all_applies_every_fix_in_one_click(self):
        order = self._clean_order(
            lines=[
                {"product_id": self.product.id, "product_uom_qty": 5},
                {"product_id": self.product.id, "product_uom_qty": 24},
            ]
        )
        order.order_line[1].discount = 22.5
        order.order_line[1].price_unit = 10.0
        order.action_check_accuracy()
        fixable = order.accuracy_open_issue_ids.filtered("fix_label")
        self.assertEqual(len(fixable), 3)
        result = order.with_user(self.administrator).action_accuracy_fix_all()
        self.assertIs(result, True)
        self.assertFalse(order.accuracy_open_issue_ids)
        self.assertEqual(order.accuracy_state, "passed")
        self.assertEqual(order.order_line.mapped("product_uom_qty"), [12, 24])
        notification = (
            order.with_user(self.administrator)
            .with_context(sc_accuracy_notify=True)
            .action_accuracy_fix_all()
        )
        self.assertEqual(notification["tag"], "display_notification")

    def test_fix_of_an_issue_already_solved_rechecks_without_error(self):
        order = self._clean_order(
            lines=[{"product_id": self.product.id, "product_uom_qty": 5}]
        )
        order.action_check_accuracy()
        issue = order.accuracy_open_issue_ids.filtered("fix_label")[:1]
        self.assertTrue(issue)
        # corrected by hand, as the banner still shows the issue
        order.order_line.product_uom_qty = 12
        order.action_check_accuracy()
        self.assertNotEqual(issue.state, "open")
        answer = (
            issue.with_user(self.administrator)
            .with_context(sc_accuracy_notify=True)
            .action_fix()
        )
        self.assertEqual(answer["tag"], "display_notification")
        self.assertIn("Already solved", answer["params"]["message"])
        self.assertIs(issue.with_user(self.administrator).action_fix(), True)

    def test_configuration_notes_are_for_the_manager_not_on_every_order(self):
        def form(user):
            views = self.env["sale.order"].with_user(user).get_views([(False, "form")])
            return arch_text(views["views"]["form"])

        self.assertNotIn("Not checked by these rules", form(self.coordinator))
        self.assertNotIn("Not checked by these rules", form(self.administrator))
        self.assertIn("Not checked by these rules", form(self.manager))
