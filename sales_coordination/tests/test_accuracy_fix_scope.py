from odoo.tests import tagged

from .common_accuracy import AccuracyCase


@tagged("post_install", "-at_install")
class TestAccuracyFixScope(AccuracyCase):
    """A one-click fix names and sets only what its reader may read."""

    def test_fix_never_names_a_contact_of_another_company(self):
        company_b = self.env["res.company"].create({"name": "Aquarium Supplies BV"})
        be = self.env.ref("base.be")
        customer = self.env["res.partner"].create(
            # a city but no street: incomplete (and not filled in from its
            # first contact's address, as Odoo does for an empty one)
            {"name": "Paws & Claws", "is_company": True, "city": "Ghent"}
        )
        branch_b = self.env["res.partner"].create(
            {
                "name": "Paws & Claws Ghent depot",
                "type": "delivery",
                "parent_id": customer.id,
                "company_id": company_b.id,
                "street": "1 Depot Street",
                "city": "Ghent",
                "country_id": be.id,
            }
        )
        order = self._clean_order(
            partner_id=customer.id, partner_shipping_id=customer.id
        )
        order.action_check_accuracy()
        issue = order.accuracy_open_issue_ids.filtered(
            lambda i: i.rule_code == "incomplete_delivery_address"
        )
        self.assertTrue(issue)
        # the superuser sees the fix to the depot of company B
        self.assertIn(branch_b.name, issue.fix_label)
        # a coordinator of the order's company only does not
        self.assertFalse(issue.with_user(self.coordinator).fix_label)
