from odoo import api, fields, models
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
