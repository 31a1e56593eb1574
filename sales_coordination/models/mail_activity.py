from odoo import fields, models
from odoo.tools import SQL


class MailActivity(models.Model):
    _inherit = "mail.activity"

    # === FIELDS ===

    followup_rule_id = fields.Many2one(
        comodel_name="sales.followup.rule",
        string="Follow-up Rule",
        # indexed by mail_activity_followup_rule_res_idx (see init)
        ondelete="set null",
        readonly=True,
        help="The rule that planned this follow-up.",
    )
    followup_escalated = fields.Boolean(
        string="Escalated",
        readonly=True,
        help="Set once the follow-up was escalated to the Coordination Managers.",
    )
    followup_escalation_of_id = fields.Many2one(
        comodel_name="mail.activity",
        string="Escalation of",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
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
