from datetime import timedelta

from odoo import Command, api, fields, models


class SaleAccuracySimulation(models.TransientModel):
    """Try the accuracy rules on past orders before switching a company to
    enforce: what each rule would have flagged and blocked. Coordination
    Managers only; runs ``sale.accuracy.rule.simulate`` (which writes
    nothing but this report)."""

    _name = "sale.accuracy.simulation"
    _description = "Order Accuracy Simulation"

    date_from = fields.Date(
        string="From",
        required=True,
        default=lambda self: fields.Date.context_today(self) - timedelta(days=30),
    )
    date_to = fields.Date(string="To", required=True, default=fields.Date.context_today)
    rule_ids = fields.Many2many(
        comodel_name="sale.accuracy.rule",
        string="Rules",
        context={"active_test": False},
        help="Leave empty to try every active rule. Archived rules may be "
        "tried out here before they are activated.",
    )
    include_uncoordinated = fields.Boolean(
        string="Teams Out of Coordination Too",
        help="Also try the rules on the orders of the sales teams out of "
        "coordination, which the checks leave out.",
    )
    line_ids = fields.One2many(
        comodel_name="sale.accuracy.simulation.line",
        inverse_name="simulation_id",
        string="Results",
        readonly=True,
    )
    total_order_count = fields.Integer(
        string="Orders Checked",
        readonly=True,
        help="Distinct orders checked by at least one rule.",
    )
    total_flagged_count = fields.Integer(
        string="Orders Flagged",
        readonly=True,
        help="Distinct orders with at least one finding, whatever the rule.",
    )
    total_blocking_count = fields.Integer(
        string="Orders That Would Be Blocked",
        readonly=True,
        help="Distinct orders with at least one finding of a blocking rule.",
    )
    done = fields.Boolean(readonly=True)

    # === ACTION METHODS ===

    def action_simulate(self):
        """Run the simulation and show its report."""
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self, single=True)
        Rule = self.env["sale.accuracy.rule"]
        result, total = Rule._simulate(
            self.date_from,
            self.date_to,
            self.rule_ids.ids or None,
            self.include_uncoordinated,
        )
        rules = self.rule_ids or Rule.search([])
        names = {rule.code: rule.name for rule in rules}
        self._sc_clear_lines()
        self.line_ids = [
            Command.create(
                {
                    "rule_code": code,
                    "rule_name": names.get(code, code),
                    "order_count": entry["orders"],
                    "flagged_count": entry["flagged"],
                    "blocking_count": entry["blocking"],
                    "order_ids": [Command.set(entry["order_ids"])],
                }
            )
            for code, entry in sorted(result.items())
        ]
        self.total_order_count = total["orders"]
        self.total_flagged_count = total["flagged"]
        self.total_blocking_count = total["blocking"]
        self.done = True
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "name": self.env._("Accuracy Simulation"),
        }

    # === BUSINESS METHODS ===

    def _sc_clear_lines(self):
        """Remove the results of a previous run of this dialog (its own,
        transient lines, which nobody deletes otherwise)."""
        self.line_ids.sudo().unlink()


class SaleAccuracySimulationLine(models.TransientModel):
    _name = "sale.accuracy.simulation.line"
    _description = "Order Accuracy Simulation Result"
    _order = "blocking_count desc, flagged_count desc, rule_code"

    simulation_id = fields.Many2one(
        comodel_name="sale.accuracy.simulation", required=True, ondelete="cascade"
    )
    rule_code = fields.Char(string="Code", readonly=True)
    rule_name = fields.Char(string="Rule", readonly=True)
    order_count = fields.Integer(string="Orders Checked", readonly=True)
    flagged_count = fields.Integer(string="Flagged", readonly=True)
    blocking_count = fields.Integer(string="Would Block", readonly=True)
    flagged_rate = fields.Float(
        string="Flagged (%)", compute="_compute_flagged_rate", digits=(16, 1)
    )
    order_ids = fields.Many2many(
        comodel_name="sale.order", string="Flagged Orders (first 100)", readonly=True
    )

    @api.depends("order_count", "flagged_count")
    def _compute_flagged_rate(self):
        for line in self:
            line.flagged_rate = (
                100.0 * line.flagged_count / line.order_count if line.order_count else 0
            )

    def action_view_orders(self):
        """The flagged orders of this rule (the first 100)."""
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self, single=True)
        return {
            "type": "ir.actions.act_window",
            "res_model": "sale.order",
            "name": self.env._("Flagged by %(rule)s", rule=self.rule_name),
            "view_mode": "list,form",
            "views": [(False, "list"), (False, "form")],
            "domain": [("id", "in", self.order_ids.ids)],
            "target": "current",
        }
