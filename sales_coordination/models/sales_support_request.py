from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .res_users_coordination import COORDINATION_USERS_DOMAIN

# Set by the request's actions only (see sales.coordination.field.guard).
PROTECTED_FIELDS = frozenset(
    {
        "state",
        "request_date",
        "first_response_date",
        "done_date",
        "response_hours",
        "resolution_hours",
    }
)


class SalesSupportRequest(models.Model):
    _name = "sales.support.request"
    _description = "Sales Support Request"
    _inherit = [  # noqa: RUF012
        "mail.thread",
        "mail.activity.mixin",
        "sales.coordination.scope.mixin",
    ]
    _sc_scope_owner_fields = ("assigned_to_id",)
    _order = "priority desc, deadline, id desc"
    _check_company_auto = True

    # === FIELDS ===

    name = fields.Char(string="Subject", required=True, tracking=True)
    request_type = fields.Selection(
        selection=[
            ("proposal", "Proposal"),
            ("order_processing", "Order Processing"),
            ("meeting_scheduling", "Meeting Scheduling"),
            ("document", "Document"),
            ("shipment_update", "Shipment Update"),
            ("other", "Other"),
        ],
        string="Type",
        required=True,
        default="other",
        tracking=True,
    )
    description = fields.Html()
    requested_by_id = fields.Many2one(
        comodel_name="res.users",
        string="Requested By",
        required=True,
        default=lambda self: self.env.user,
        index=True,
        tracking=True,
        domain="[('share', '=', False)]",
    )
    assigned_to_id = fields.Many2one(
        comodel_name="res.users",
        string="Assigned To",
        compute="_compute_assigned_to_id",
        store=True,
        readonly=False,
        precompute=True,
        index=True,
        tracking=True,
        domain=COORDINATION_USERS_DOMAIN,
        help="Defaults to the customer's coordinator, else the team's.",
    )
    partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        compute="_compute_partner_id",
        store=True,
        readonly=False,
        precompute=True,
        index="btree_not_null",
        check_company=True,
    )
    order_id = fields.Many2one(
        comodel_name="sale.order",
        string="Order",
        index="btree_not_null",
        check_company=True,
    )
    lead_id = fields.Many2one(
        comodel_name="crm.lead",
        string="Opportunity",
        index="btree_not_null",
        check_company=True,
    )
    team_id = fields.Many2one(
        comodel_name="crm.team",
        string="Sales Team",
        compute="_compute_team_id",
        store=True,
        readonly=False,
        precompute=True,
        check_company=True,
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        string="Company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    priority = fields.Selection(
        selection=[("0", "Normal"), ("1", "High"), ("2", "Urgent")],
        default="0",
        tracking=True,
    )
    deadline = fields.Date(tracking=True)
    state = fields.Selection(
        selection=[
            ("new", "New"),
            ("in_progress", "In Progress"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="new",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
        copy=False,
        help="Moves through the request's buttons only.",
    )
    request_date = fields.Datetime(
        string="Requested On",
        default=fields.Datetime.now,
        required=True,
        index=True,
        readonly=True,
        copy=False,
    )
    first_response_date = fields.Datetime(
        readonly=True,
        copy=False,
        help="The assignee's first action: start, a chatter message or done.",
    )
    done_date = fields.Datetime(readonly=True, copy=False, index="btree_not_null")
    response_hours = fields.Float(
        compute="_compute_response_hours",
        store=True,
        aggregator="avg",
        help="Hours from the request to the first response.",
    )
    resolution_hours = fields.Float(
        compute="_compute_resolution_hours",
        store=True,
        aggregator="avg",
        help="Hours from the request to done.",
    )

    # === COMPUTE METHODS ===

    @api.depends("partner_id", "team_id")
    def _compute_assigned_to_id(self):
        for request in self:
            if request.assigned_to_id:
                continue
            request.assigned_to_id = (
                request.partner_id.commercial_partner_id.sales_coordinator_id
                or request.team_id.coordinator_id
            )

    @api.depends("order_id", "lead_id")
    def _compute_partner_id(self):
        for request in self:
            request.partner_id = (
                request.order_id.partner_id
                or request.lead_id.partner_id
                or request.partner_id
            )

    @api.depends("order_id", "lead_id")
    def _compute_team_id(self):
        for request in self:
            request.team_id = (
                request.order_id.team_id or request.lead_id.team_id or request.team_id
            )

    @api.depends("request_date", "first_response_date")
    def _compute_response_hours(self):
        for request in self:
            request.response_hours = request._hours_since_request(
                request.first_response_date
            )

    @api.depends("request_date", "done_date")
    def _compute_resolution_hours(self):
        for request in self:
            request.resolution_hours = request._hours_since_request(request.done_date)

    # === CONSTRAINT METHODS ===

    @api.constrains("order_id", "lead_id")
    def _check_documents_readable(self):
        """A request is about an order or a lead its author may read: it
        would show their customer, team and name otherwise."""
        if self.env.su:
            return
        for fname in ("order_id", "lead_id"):
            documents = self.sudo()[fname].with_env(self.env)
            hidden = documents - documents._filtered_access("read")
            if hidden:
                raise ValidationError(
                    self.env._(
                        "You cannot file a request about %(model)s %(ids)s: you "
                        "may not read it.",
                        model=hidden._description,
                        ids=", ".join(str(i) for i in hidden.ids),
                    )
                )

    @api.constrains("assigned_to_id", "company_id")
    def _check_assigned_to_id(self):
        """A request goes to an active internal user of its company: a portal
        user or someone of another company could not even open it."""
        for request in self.sudo().filtered("assigned_to_id"):
            user = request.assigned_to_id
            if (
                not user.active
                or user.share
                or (request.company_id and request.company_id not in user.company_ids)
            ):
                raise ValidationError(
                    self.env._(
                        "Request %(request)s cannot be assigned to %(user)s: "
                        "assign it to an internal user of %(company)s.",
                        request=request.display_name,
                        user=user.name,
                        company=request.company_id.name or self.env._("its company"),
                    )
                )

    # === CRUD METHODS ===

    @api.model_create_multi
    def create(self, vals_list):
        requests = self.env["sales.coordination.field.guard"]._sc_guard_create(
            self, vals_list, PROTECTED_FIELDS
        )
        requests = super(SalesSupportRequest, requests).create(vals_list)
        for request in requests.filtered("assigned_to_id"):
            request._notify_assignee()
        return requests

    def write(self, vals):
        self.env["sales.coordination.field.guard"]._sc_guard_write(
            self, vals, PROTECTED_FIELDS
        )
        new_assignee = vals.get("assigned_to_id")
        changed = (
            self.filtered(lambda r: r.assigned_to_id.id != new_assignee)
            if new_assignee
            else self.browse()
        )
        res = super().write(vals)
        for request in changed:
            request._notify_assignee()
        return res

    # === ACTION METHODS ===

    def action_start(self):
        self._check_state("new", self.env._("start"))
        self.filtered(lambda r: not r.assigned_to_id).assigned_to_id = self.env.user
        self._mark_first_response()
        self._write_state({"state": "in_progress"})
        return True

    def action_done(self):
        self._check_state(("new", "in_progress"), self.env._("mark as done"))
        own = self.filtered(
            lambda r: (
                r.requested_by_id == self.env.user and r.assigned_to_id != self.env.user
            )
        )
        if own and not self.env.su:
            raise UserError(
                self.env._(
                    "Request %(request)s is yours: its assignee %(assignee)s marks "
                    "it done. Cancel it if you no longer need it.",
                    request=own[0].display_name,
                    assignee=own[0].assigned_to_id.name or self.env._("(none)"),
                )
            )
        self._mark_first_response()
        self._write_state({"state": "done", "done_date": fields.Datetime.now()})
        return True

    def action_cancel(self):
        self._check_state(("new", "in_progress"), self.env._("cancel"))
        self._write_state({"state": "cancelled"})
        return True

    def action_reopen(self):
        self._check_state(("done", "cancelled"), self.env._("reopen"))
        self._write_state({"state": "in_progress", "done_date": False})
        return True

    # === BUSINESS METHODS ===

    @api.model
    def _action_view_for(self, record, field):
        """The requests about one order or lead (its smart button)."""
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(record, single=True)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "sales_coordination.sales_support_request_action"
        )
        action["domain"] = [(field, "=", record.id)]
        action["context"] = {
            f"default_{field}": record.id,
            "default_partner_id": record.partner_id.id,
        }
        return action

    @api.model
    def _action_create_for(self, record, field):
        """A new request about one order or lead, in a dialog."""
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(record, single=True)
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Support Request"),
            "res_model": "sales.support.request",
            "view_mode": "form",
            "target": "new",
            "context": {
                f"default_{field}": record.id,
                "default_partner_id": record.partner_id.id,
                "default_team_id": record.team_id.id,
                "default_company_id": record.company_id.id or self.env.company.id,
                "default_name": self.env._("About %(record)s", record=record.name),
            },
        }

    # Odoo's api.returns is not inherited by an override: without it, the
    # message record itself would be returned over RPC (XML-RPC cannot
    # marshal it).
    @api.returns("mail.message", lambda value: value.id)
    def message_post(self, **kwargs):
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self, single=True)
        message = super().message_post(**kwargs)
        if kwargs.get("message_type", "notification") == "comment":
            answered = self.filtered(lambda r: r.assigned_to_id == self.env.user)
            answered._mark_first_response()
            # the assignee's reply is the start of the work: a new request
            # moves to in progress by itself
            answered.filtered(lambda r: r.state == "new")._write_state(
                {"state": "in_progress"}
            )
        return message

    def _check_state(self, allowed, verb):
        """Refuse malformed or unknown ids, then requests in the wrong state.
        Called first by every action, before anything is written."""
        if not self:
            raise UserError(self.env._("Select the requests to %(verb)s.", verb=verb))
        self.env["sales.coordination.rpc.check"]._sc_validate_ids(self)
        allowed = (allowed,) if isinstance(allowed, str) else allowed
        labels = dict(self._fields["state"]._description_selection(self.env))
        wrong = self.filtered(lambda r: r.state not in allowed)
        if wrong:
            raise UserError(
                self.env._(
                    "Cannot %(verb)s request %(name)s: it is %(state)s.",
                    verb=verb,
                    name=wrong[0].display_name,
                    state=labels[wrong[0].state],
                )
            )

    def _mark_first_response(self):
        """The first response is set once, at the assignee's first action."""
        todo = self.filtered(
            lambda r: not r.first_response_date and r.assigned_to_id == self.env.user
        )
        if todo:
            todo._write_state({"first_response_date": fields.Datetime.now()})

    def _write_state(self, vals):
        """Write the state and the dates the actions set (protected fields)."""
        return self.env["sales.coordination.field.guard"]._sc_write_trusted(self, vals)

    def _hours_since_request(self, moment):
        self.ensure_one()
        if not moment or not self.request_date:
            return 0.0
        return round((moment - self.request_date).total_seconds() / 3600.0, 2)

    def _notify_assignee(self):
        """Follow and notify the assignee."""
        self.ensure_one()
        partner = self.assigned_to_id.partner_id
        self.message_subscribe(partner_ids=partner.ids)
        if self.assigned_to_id != self.env.user:
            author = self.env.user.partner_id
            # Odoo refuses to notify from an author without an email address
            # (warehouse staff logging in with a username): the author stays
            # the user, the mail goes out from the company's address.
            email_from = author.email_formatted or self._sc_company_email_from()
            thread = self if email_from else self.sudo()
            thread.message_notify(
                author_id=author.id,
                email_from=email_from or None,
                partner_ids=partner.ids,
                subject=self.env._("Support request: %(name)s", name=self.name),
                body=self.env._(
                    "%(user)s asks you: %(name)s",
                    user=self.requested_by_id.name,
                    name=self.name,
                ),
                model_description=self._description,
            )

    def _sc_company_email_from(self):
        """The sender of notifications whose author has no email address:
        the company's address, else its alias domain's default sender."""
        company = (self.company_id or self.env.company).sudo()
        return (
            company.email_formatted
            or company.alias_domain_id.default_from_email
            or False
        )
