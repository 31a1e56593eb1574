from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

# Set by the follow-up rules only (see sales.coordination.field.guard).
PROTECTED_FIELDS = frozenset(
    {"followup_rule_id", "followup_escalated", "followup_escalation_of_id"}
)


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # === FIELDS ===

    followup_rule_id = fields.Many2one(
        comodel_name="sales.followup.rule",
        string="Follow-up Rule",
        # indexed by mail_activity_followup_rule_res_idx (see init)
        ondelete="set null",
        readonly=True,
        copy=False,
        help="The rule that planned this follow-up.",
    )
    followup_escalated = fields.Boolean(
        string="Escalated",
        readonly=True,
        copy=False,
        help="Set once the follow-up was escalated to the Coordination Managers.",
    )
    followup_escalation_of_id = fields.Many2one(
        comodel_name="mail.activity",
        string="Escalation of",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
        copy=False,
        help="The overdue follow-up this activity escalates.",
    )
    followup_user_id = fields.Many2one(
        related="followup_escalation_of_id.user_id",
        string="Original Assignee",
    )
    followup_partner_id = fields.Many2one(
        comodel_name="res.partner",
        string="Customer",
        compute="_compute_followup_partner_id",
        search="_search_followup_partner_id",
        help="The customer of the document (its partner's company), when the "
        "document has a partner the user may read.",
    )

    # === COMPUTE METHODS ===

    def _compute_followup_partner_id(self):
        customers = self._followup_customer_records()
        for activity in self:
            activity.followup_partner_id = customers.get(activity.id, False)

    def _search_followup_partner_id(self, operator, value):
        """Activities whose document's customer matches: one subquery per
        model that holds activities here and has a partner."""
        groups = self.sudo()._read_group([], ["res_model"])
        domains = []
        for (model,) in groups:
            if not model or model not in self.env:
                continue
            Model = self.env[model]
            field = Model._fields.get("partner_id")
            if not field or field.comodel_name != "res.partner":
                continue
            records = Model._search(
                [("partner_id.commercial_partner_id", operator, value)]
            )
            domains.append([("res_model", "=", model), ("res_id", "in", records)])
        return expression.OR(domains) if domains else expression.FALSE_DOMAIN

    # === CRUD METHODS ===

    def init(self):
        res = super().init()
        # At most one open follow-up per (rule, record), even when two runs
        # of the rules overlap.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS "
                "mail_activity_followup_rule_open_uniq "
                "ON mail_activity (followup_rule_id, res_model, res_id) "
                "WHERE followup_rule_id IS NOT NULL AND active"
            )
        )
        # The closing pass walks the open follow-ups of a rule and model by
        # id, batch after batch (keyset): an ordered range scan, which the
        # planner picks even on statistics older than a bulk insert (with
        # the unique index above it would read and sort every open
        # follow-up of the rule at each batch).
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS mail_activity_followup_rule_open_id_idx "
                "ON mail_activity (followup_rule_id, res_model, id) "
                "WHERE followup_rule_id IS NOT NULL AND active"
            )
        )
        # The rule finders look up open and done follow-ups per record.
        self.env.cr.execute(
            SQL(
                "CREATE INDEX IF NOT EXISTS mail_activity_followup_rule_res_idx "
                "ON mail_activity (followup_rule_id, res_id) "
                "WHERE followup_rule_id IS NOT NULL"
            )
        )
        return res

    @api.model_create_multi
    def create(self, vals_list):
        activities = self.env["sales.coordination.field.guard"]._sc_guard_create(
            self, vals_list, PROTECTED_FIELDS
        )
        return super(MailActivity, activities).create(vals_list)

    def write(self, vals):
        # A follow-up may move with its record (Odoo's merge of opportunities
        # moves their activities): it keeps its rule and still escalates.
        self.env["sales.coordination.field.guard"]._sc_guard_write(
            self, vals, PROTECTED_FIELDS
        )
        return super().write(vals)

    # === BUSINESS METHODS ===

    def _followup_customer_records(self):
        """The customer (commercial partner) of each activity's document,
        read set-wise per model with the user's rights: ``{activity id:
        partner}``; documents without a readable partner are left out."""
        result = {}
        by_model = {}
        for activity in self:
            if activity.res_model and activity.res_id:
                by_model.setdefault(activity.res_model, []).append(activity)
        for model, activities in by_model.items():
            if model not in self.env:
                continue
            Model = self.env[model]
            field = Model._fields.get("partner_id")
            if not field or field.comodel_name != "res.partner":
                continue
            if not Model.has_access("read"):
                continue
            records = Model.browse([a.res_id for a in activities])._filtered_access(
                "read"
            )
            partners = {r.id: r.partner_id.commercial_partner_id for r in records}
            for activity in activities:
                if partners.get(activity.res_id):
                    result[activity.id] = partners[activity.res_id]
        return result

    def _followup_customers(self):
        """Like :meth:`_followup_customer_records`, with display names."""
        return {
            key: partner.display_name
            for key, partner in self._followup_customer_records().items()
        }
