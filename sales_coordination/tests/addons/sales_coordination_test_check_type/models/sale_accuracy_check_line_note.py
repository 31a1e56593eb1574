from odoo import api, fields, models


class SaleAccuracyRule(models.Model):
    """A check type of another addon: a line whose description still says
    "TODO" is not ready, and the message names the order's source document.

    It follows the contract of the README's architecture section: a
    selection value with an ``ondelete`` policy, one set-wise
    ``_accuracy_check_<type>`` method, and the extra columns it reads
    declared through the data reader's hooks.
    """

    _inherit = "sale.accuracy.rule"

    check_type = fields.Selection(
        selection_add=[("test_line_todo", "Test: line marked TODO")],
        ondelete={"test_line_todo": "cascade"},
    )

    @api.model
    def _accuracy_order_columns(self):
        return dict(super()._accuracy_order_columns(), test_origin="origin")

    @api.model
    def _accuracy_line_columns(self):
        return dict(super()._accuracy_line_columns(), test_description="name")

    def _accuracy_check_test_line_todo(self, data, order_ids, lines):
        return [
            (
                line["order_id"],
                line["id"],
                self.env._(
                    "%(product)s is still marked TODO (source: %(origin)s).",
                    product=data.product_name(line["product_id"]),
                    origin=data.orders[line["order_id"]]["test_origin"] or "-",
                ),
            )
            for line in lines
            if "TODO" in (line["test_description"] or "")
        ]
