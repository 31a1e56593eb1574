# One file per check type (the architecture): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from collections import defaultdict

from odoo import fields, models


class SaleAccuracyRule(models.Model):
    """Credit limit check."""

    _inherit = "sale.accuracy.rule"

    check_type = fields.Selection(
        selection_add=[
            ("credit_limit", "Credit limit exceeded"),
        ],
        ondelete={"credit_limit": "cascade"},
    )

    def _inapplicable_reason(self, company):
        if self.check_type == "credit_limit" and not company.account_use_credit_limit:
            return self.env._(
                "Needs the Sales Credit Limit setting (Settings › Invoicing › "
                "Customer Payments): without it, no order is checked against a "
                "credit limit."
            )
        return super()._inapplicable_reason(company)

    def _accuracy_check_credit_limit(self, data, order_ids, lines):
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
            # their credit limit alone: not every column of the partners
            limits = {
                partner.id: partner.credit_limit
                for partner in partners.with_context(prefetch_fields=False)
                if partner.credit_limit > 0
            }
            partners = {partner.id: partner for partner in partners}
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
                            "%(partner)s would owe %(total)s with this order "
                            "(open: %(open)s), above the credit limit of "
                            "%(limit)s. Ask for a payment or a higher limit.",
                            partner=partners[partner_id].display_name,
                            total=data.format_amount(total, currency.id),
                            open=data.format_amount(
                                exposure.get(partner_id, 0.0), currency.id
                            ),
                            limit=data.format_amount(limits[partner_id], currency.id),
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
