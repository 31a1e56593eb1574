from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

# The access matrix of docs/security.md, cell by cell: for each role, the
# operations (R)ead, (W)rite, (C)reate and (U)nlink it may perform on each
# model the addon adds ("-" where it may not). Record rules narrow these
# rights further; they are described in docs/security.md and tested in
# test_record_rules.py.
ROLES = {
    "salesperson_own": "base.group_user,sales_team.group_sale_salesman",
    "salesperson_all": "base.group_user,sales_team.group_sale_salesman_all_leads",
    "coordinator": "base.group_user,sales_coordination.group_coordinator",
    "administrator": "base.group_user,sales_coordination.group_administrator",
    "manager": "base.group_user,sales_coordination.group_manager",
    "warehouse": "base.group_user,stock.group_stock_user",
    "billing": "base.group_user,account.group_account_invoice",
    "auditor": "base.group_user,account.group_account_readonly",
    "portal": "base.group_portal",
}
MODELS = (
    "sale.accuracy.rule",
    "sale.accuracy.issue",
    "sale.accuracy.confirm.wizard",
    "sales.followup.rule",
    "sales.support.request",
    "sales.coordination.kpi.target",
    "sales.coordination.accuracy.report",
    "sales.coordination.followup.report",
    "sales.coordination.support.report",
    "sales.coordination.fulfillment.report",
    "sale.accuracy.simulation",
    "sale.accuracy.simulation.line",
    "sale.delivery.promise.revision",
    "sale.delivery.promise.revise",
    "sales.coordination.settings",
    "calendar.event.reschedule",
    "sales.coordination.absence",
    "sales.coordination.handoff",
    "sales.coordination.kpi.day",
    "sales.coordination.kpi.day.dirty",
)
# fmt: off
MATRIX = {
    # columns: the models of MODELS, in that order
    "salesperson_own": ("R---", "R---", "RWC-", "R---", "RWC-", "----", "----", "----", "----", "----", "----", "----", "R---", "RWC-", "----", "RWC-", "----", "----", "----", "----"),  # noqa: E501
    "salesperson_all": ("R---", "R---", "RWC-", "R---", "RWC-", "----", "----", "----", "----", "----", "----", "----", "R---", "RWC-", "----", "RWC-", "----", "----", "----", "----"),  # noqa: E501
    "coordinator":     ("R---", "R---", "RWC-", "R---", "RWC-", "R---", "R---", "R---", "R---", "R---", "----", "----", "R---", "RWC-", "----", "RWC-", "RWCU", "----", "----", "----"),  # noqa: E501
    "administrator":   ("R---", "R---", "RWC-", "R---", "RWC-", "R---", "R---", "R---", "R---", "R---", "----", "----", "R---", "RWC-", "----", "RWC-", "RWCU", "----", "----", "----"),  # noqa: E501
    "manager":         ("RWCU", "R---", "RWC-", "RWCU", "RWCU", "RWCU", "R---", "R---", "R---", "R---", "RWC-", "RWC-", "R---", "RWC-", "RWC-", "RWC-", "RWCU", "RWC-", "----", "----"),  # noqa: E501
    "warehouse":       ("R---", "R---", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----"),  # noqa: E501
    "billing":         ("R---", "R---", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----"),  # noqa: E501
    "auditor":         ("R---", "R---", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----"),  # noqa: E501
    "portal":          ("----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----", "----"),  # noqa: E501
}
# fmt: on
OPERATIONS = ("read", "write", "create", "unlink")


@tagged("post_install", "-at_install")
class TestAccessMatrix(TransactionCase):
    """The access rights of every role on every model of the addon are
    exactly those of the matrix in docs/security.md."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.users = {
            role: new_test_user(cls.env, login=f"sc_matrix_{role}", groups=groups)
            for role, groups in ROLES.items()
        }

    def test_matrix_covers_every_model_of_the_addon(self):
        """A new model of the addon must get its row in the matrix."""
        added = {
            name
            for name, Model in self.env.registry.items()
            if Model._original_module == "sales_coordination" and not Model._abstract
        }
        self.assertEqual(added, set(MODELS))

    def test_matrix_cell_by_cell(self):
        for role, user in self.users.items():
            for model, expected in zip(MODELS, MATRIX[role], strict=True):
                Model = self.env[model].with_user(user)
                for operation, letter in zip(OPERATIONS, expected, strict=True):
                    with self.subTest(role=role, model=model, operation=operation):
                        self.assertEqual(
                            Model.has_access(operation),
                            letter != "-",
                            f"{role} {operation} {model}",
                        )
