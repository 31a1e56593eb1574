from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# The owner fields of each role: on the customer, and on its orders.
ROLE_FIELDS = {
    "coordinator": ("sales_coordinator_id", "coordinator_id"),
    "administrator": ("sales_administrator_id", "administrator_id"),
}
ROLE_GROUPS = {
    "coordinator": "sales_coordination.group_coordinator",
    "administrator": "sales_coordination.group_administrator",
}
# The kinds of records a hand-over moves, in the order of the preview.
KINDS = ("customers", "orders", "activities", "requests", "followers")


class SalesCoordinationHandoff(models.TransientModel):
    """A portfolio handed from one person to another: the customers they
    own in a role, with their open quotations and orders, open follow-ups,
    open support requests and the followers of those records. For
    Coordination Managers."""

    _name = "sales.coordination.handoff"
    _description = "Sales Coordination: Portfolio Hand-over"

    # === FIELDS ===

    from_user_id = fields.Many2one(
        comodel_name="res.users",
        string="From",
        required=True,
        domain="[('share', '=', False)]",
    )
    to_user_id = fields.Many2one(
        comodel_name="res.users",
        string="To",
        required=True,
        domain="[('share', '=', False)]",
    )
    role = fields.Selection(
        selection=[
            ("coordinator", "Sales Coordinator"),
            ("administrator", "Sales Administrator"),
            ("both", "Both"),
        ],
        required=True,
        default="both",
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        required=True,
        default=lambda self: self.env.company,
    )
    partner_ids = fields.Many2many(
        comodel_name="res.partner",
        string="Customers",
        help="Leave empty to hand over every customer the first person owns "
        "in that role (within the team and tags below, when given).",
    )
    team_id = fields.Many2one(
        comodel_name="crm.team",
        string="Sales Team",
        help="Only the customers with orders of this sales team.",
    )
    category_ids = fields.Many2many(
        comodel_name="res.partner.category",
        string="Tags",
        help="Only the customers with one of these tags.",
    )
    preview_text = fields.Text(
        string="What Moves", compute="_compute_preview_text", readonly=True
    )

    # === COMPUTE METHODS ===

    @api.depends(
        "from_user_id",
        "to_user_id",
        "role",
        "company_id",
        "partner_ids",
        "team_id",
        "category_ids",
    )
    def _compute_preview_text(self):
        labels = self._kind_labels()
        for wizard in self:
            if not wizard.from_user_id or not wizard.role:
                wizard.preview_text = False
                continue
            counts = wizard._handoff_counts(wizard._handoff_targets())
            wizard.preview_text = "\n".join(
                f"{labels[kind]}: {counts[kind]}" for kind in KINDS
            )

    # === ACTION METHODS ===

    def action_preview(self):
        """What :meth:`action_apply` would move, without moving anything.

        Public (RPC) entry point for Coordination Managers:
        ``execute_kw(db, uid, key, "sales.coordination.handoff",
        "action_preview", [[wizard_id]])``.

        :return: ``{"customers": n, "orders": n, "activities": n,
            "requests": n, "followers": n}``: the customers (companies)
            handed over, their open quotations and orders, open follow-ups
            and activities of the addon's types, open support requests, and
            the subscriptions of the first person replaced on those customers,
            orders and requests
        :raise AccessError: when the user is not a Coordination Manager
        :raise UserError: on bad input (see :meth:`action_apply`)
        """
        self._handoff_check()
        return self._handoff_counts(self._handoff_targets())

    def action_apply(self):
        """Hand the portfolio over, in one transaction: the customers' owner
        fields (and their contacts'), the owner field of their open
        quotations and orders, the assignee of the open follow-ups and
        support requests, and the followers of those records. Each record
        moved gets a note "Handed over from ... to ... by ...". Done and
        cancelled records stay as they are.

        Public (RPC) entry point for Coordination Managers:
        ``execute_kw(db, uid, key, "sales.coordination.handoff",
        "action_apply", [[wizard_id]])``.

        :return: a notification action; its ``params["counts"]`` is what
            moved (the dict of :meth:`action_preview`)
        :raise AccessError: when the user is not a Coordination Manager, or
            does not work for the wizard's company
        :raise UserError: on the same person on both sides, an inactive or
            portal user, a receiver without the role, or a customer of
            another company; nothing moves then
        """
        self._handoff_check()
        targets = self._handoff_targets()
        counts = self._handoff_counts(targets)
        self._handoff_move(targets)
        message = self.env._(
            "%(customers)s customers, %(orders)s orders, %(activities)s "
            "follow-ups and %(requests)s requests handed over to %(user)s.",
            customers=counts["customers"],
            orders=counts["orders"],
            activities=counts["activities"],
            requests=counts["requests"],
            user=self.to_user_id.name,
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Portfolio handed over"),
                "message": message,
                "type": "success",
                "sticky": False,
                "next": {"type": "ir.actions.act_window_close"},
                "counts": counts,
            },
        }

    # === BUSINESS METHODS ===

    def _kind_labels(self):
        return {
            "customers": self.env._("Customers"),
            "orders": self.env._("Open quotations and orders"),
            "activities": self.env._("Open follow-ups"),
            "requests": self.env._("Open support requests"),
            "followers": self.env._("Subscriptions replaced"),
        }

    def _role_labels(self):
        return {
            "coordinator": self.env._("Sales Coordinator"),
            "administrator": self.env._("Sales Administrator"),
        }

    def _handoff_roles(self):
        return list(ROLE_FIELDS) if self.role == "both" else [self.role]

    def _handoff_check(self):
        """Refuse a hand-over that may not happen (see :meth:`action_apply`)."""
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self, single=True)
        if not self.env.user.has_group("sales_coordination.group_manager"):
            raise AccessError(
                self.env._("Only Coordination Managers hand portfolios over.")
            )
        if self.company_id not in self.env.user.company_ids:
            raise AccessError(
                self.env._(
                    "You do not work for %(company)s.", company=self.company_id.name
                )
            )
        giver, taker = self.from_user_id.sudo(), self.to_user_id.sudo()
        if giver == taker:
            raise UserError(
                self.env._(
                    "Hand the portfolio of %(user)s over to someone else.",
                    user=giver.name,
                )
            )
        for user in giver | taker:
            if not user.active or user.share:
                raise UserError(
                    self.env._(
                        "%(user)s is not an active internal user: hand over "
                        "before archiving someone, to an active colleague.",
                        user=user.name,
                    )
                )
        if self.company_id not in taker.company_ids:
            raise UserError(
                self.env._(
                    "%(user)s does not work for %(company)s.",
                    user=taker.name,
                    company=self.company_id.name,
                )
            )
        for role in self._handoff_roles():
            if not taker.has_group(ROLE_GROUPS[role]):
                raise UserError(
                    self.env._(
                        "%(user)s is not a %(role)s.",
                        user=taker.name,
                        role=self._role_labels()[role],
                    )
                )
        foreign = self.partner_ids.sudo().filtered(
            lambda p: p.company_id and p.company_id != self.company_id
        )
        if foreign:
            raise UserError(
                self.env._(
                    "These customers belong to another company: %(names)s.",
                    names=", ".join(foreign.mapped("display_name")),
                )
            )

    def _handoff_targets(self):
        """What the hand-over moves, found in a fixed number of queries.

        :return: ``{"customers": {role: partners}, "contacts": {role:
            partners with their contacts}, "orders": {role: orders},
            "activities": activities, "requests": requests}``
        """
        self.ensure_one()
        giver = self.from_user_id
        Partner = self.env["res.partner"].sudo().with_context(active_test=False)
        base = [("company_id", "in", [False, self.company_id.id])]
        if self.partner_ids:
            chosen = self.partner_ids.sudo().commercial_partner_id
            base.append(("id", "in", chosen.ids))
        if self.team_id:
            base.append(("id", "in", self._handoff_team_customers().ids))
        if self.category_ids:
            base.append(("category_id", "in", self.category_ids.ids))
        roles = self._handoff_roles()
        customers = {}
        for role in roles:
            partner_field = ROLE_FIELDS[role][0]
            found = Partner.search([*base, (partner_field, "=", giver.id)])
            found.fetch(["commercial_partner_id"])
            customers[role] = found.filtered(lambda p: p.commercial_partner_id == p)
        everyone = Partner.union(*customers.values())
        contacts = {
            role: Partner.search(
                [
                    ("commercial_partner_id", "in", partners.ids),
                    (ROLE_FIELDS[role][0], "=", giver.id),
                ]
            )
            if partners
            else Partner
            for role, partners in customers.items()
        }
        Order = self.env["sale.order"].sudo().with_context(active_test=False)
        orders = {
            role: Order.search(
                [
                    (ROLE_FIELDS[role][1], "=", giver.id),
                    ("partner_id.commercial_partner_id", "in", everyone.ids),
                    ("company_id", "=", self.company_id.id),
                    *self._handoff_open_orders_domain(),
                ]
            )
            if everyone
            else Order
            for role in roles
        }
        return {
            "customers": customers,
            "contacts": contacts,
            "orders": orders,
            "activities": self._handoff_activities(everyone),
            "requests": self._handoff_requests(everyone),
        }

    def _handoff_team_customers(self):
        """The customers (companies) with an order of the wizard's team."""
        groups = (
            self.env["sale.order"]
            .sudo()
            .with_context(active_test=False)
            ._read_group([("team_id", "=", self.team_id.id)], ["partner_id"])
        )
        return (
            self.env["res.partner"]
            .union(*(partner for (partner,) in groups))
            .commercial_partner_id
        )

    @api.model
    def _handoff_open_orders_domain(self):
        """Open quotations and orders: quotations, and confirmed orders not
        yet both fully delivered and invoiced (cancelled ones stay)."""
        return [
            "|",
            ("state", "in", ("draft", "sent")),
            "&",
            ("state", "=", "sale"),
            "|",
            ("invoice_status", "!=", "invoiced"),
            ("delivery_status", "in", ("pending", "started", "partial")),
        ]

    def _handoff_activities(self, customers):
        """The giver's open follow-ups (and activities of the addon's types)
        on the documents of ``customers``; in one role only, the follow-ups
        the rules plan for the other role stay."""
        Activity = self.env["mail.activity"].sudo()
        if not customers:
            return Activity
        types = self.env["sales.coordination.my.day"]._my_day_followup_types()
        domain = [
            ("user_id", "=", self.from_user_id.id),
            ("followup_partner_id", "in", customers.ids),
            "|",
            ("followup_rule_id", "!=", False),
            ("activity_type_id", "in", types.ids),
        ]
        if self.role != "both":
            other = next(role for role in ROLE_FIELDS if role != self.role)
            domain += [
                "|",
                ("followup_rule_id", "=", False),
                ("followup_rule_id.assign_to", "!=", other),
            ]
        return Activity.search(domain)

    def _handoff_requests(self, customers):
        """The giver's open support requests about ``customers`` (the
        coordinator's work: none when only the administrator role moves)."""
        Request = self.env["sales.support.request"].sudo()
        if not customers or self.role == "administrator":
            return Request
        return Request.search(
            [
                ("assigned_to_id", "=", self.from_user_id.id),
                ("state", "not in", ("done", "cancelled")),
                ("company_id", "in", [False, self.company_id.id]),
                ("partner_id.commercial_partner_id", "in", customers.ids),
            ]
        )

    def _handoff_followed(self, targets):
        """``{model: ids}`` of the records whose followers change."""
        customers = self.env["res.partner"].union(*targets["customers"].values())
        orders = self.env["sale.order"].union(*targets["orders"].values())
        return {
            "res.partner": customers.ids,
            "sale.order": orders.ids,
            "sales.support.request": targets["requests"].ids,
        }

    def _handoff_counts(self, targets):
        Reassign = self.env["sales.coordination.reassign"]
        partner = self.from_user_id.partner_id
        return {
            "customers": len(
                self.env["res.partner"].union(*targets["customers"].values())
            ),
            "orders": len(self.env["sale.order"].union(*targets["orders"].values())),
            "activities": len(targets["activities"]),
            "requests": len(targets["requests"]),
            "followers": sum(
                Reassign._sc_count_followers(model, ids, partner)
                for model, ids in self._handoff_followed(targets).items()
            ),
        }

    def _handoff_move(self, targets):
        """Move ``targets`` (see :meth:`_handoff_targets`), set-wise."""
        Reassign = self.env["sales.coordination.reassign"]
        taker = self.to_user_id.sudo()
        # the names alone (with_prefetch: not those of every partner in the
        # cache, by chunks of the prefetch size)
        note = self.env._(
            "Handed over from %(giver)s to %(taker)s by %(user)s.",
            giver=self.from_user_id.partner_id.with_prefetch().name,
            taker=taker.partner_id.with_prefetch().name,
            user=self.env.user.partner_id.with_prefetch().name,
        )
        for role in self._handoff_roles():
            partner_field, order_field = ROLE_FIELDS[role]
            Reassign._sc_reassign(targets["contacts"][role], partner_field, taker)
            Reassign._sc_reassign(targets["orders"][role], order_field, taker)
        Reassign._sc_reassign(targets["requests"], "assigned_to_id", taker)
        followed = self._handoff_followed(targets)
        for model, ids in followed.items():
            Reassign._sc_swap_followers(
                model, ids, self.from_user_id.partner_id, taker.partner_id
            )
            Reassign._sc_log_notes(model, dict.fromkeys(ids, note))
        # the documents noted above get no second note for their follow-ups
        Reassign._sc_move_activities(targets["activities"], taker, note, noted=followed)
