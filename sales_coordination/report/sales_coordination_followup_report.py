from odoo import fields, models
from odoo.tools import SQL


class SalesCoordinationFollowupReport(models.Model):
    _name = "sales.coordination.followup.report"
    _inherit = ["sales.coordination.source.mixin"]  # noqa: RUF012
    _description = "Follow-up Analysis"
    _auto = False
    _order = "date_deadline desc"
    _sc_source_fields = ("activity_id",)

    activity_id = fields.Many2one("mail.activity", string="Activity", readonly=True)
    activity_type_id = fields.Many2one(
        "mail.activity.type", string="Activity Type", readonly=True
    )
    followup_rule_id = fields.Many2one(
        "sales.followup.rule", string="Follow-up Rule", readonly=True
    )
    user_id = fields.Many2one("res.users", string="Coordinator", readonly=True)
    res_model = fields.Char(string="Document Model", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    date_deadline = fields.Date(string="Due Date", readonly=True)
    date_done = fields.Date(string="Done On", readonly=True)
    state = fields.Selection(
        selection=[
            ("overdue", "Overdue"),
            ("today", "Today"),
            ("planned", "Planned"),
            ("done", "Done"),
        ],
        readonly=True,
    )
    followup_count = fields.Integer(string="Follow-ups", readonly=True)
    overdue_count = fields.Integer(string="Overdue", readonly=True)

    def _query(self):
        return SQL(
            """
            SELECT a.id AS id,
                   a.id AS activity_id,
                   a.activity_type_id AS activity_type_id,
                   a.followup_rule_id AS followup_rule_id,
                   a.user_id AS user_id,
                   a.res_model AS res_model,
                   COALESCE(so.team_id, lead.team_id) AS team_id,
                   COALESCE(so.company_id, lead.company_id, r.company_id)
                       AS company_id,
                   a.date_deadline AS date_deadline,
                   a.date_done AS date_done,
                   CASE WHEN NOT a.active OR a.date_done IS NOT NULL THEN 'done'
                        WHEN a.date_deadline < CURRENT_DATE THEN 'overdue'
                        WHEN a.date_deadline = CURRENT_DATE THEN 'today'
                        ELSE 'planned' END AS state,
                   1 AS followup_count,
                   (a.active AND a.date_done IS NULL
                    AND a.date_deadline < CURRENT_DATE)::int AS overdue_count
              FROM mail_activity a
              JOIN sales_followup_rule r ON r.id = a.followup_rule_id
              LEFT JOIN sale_order so
                     ON a.res_model = 'sale.order' AND so.id = a.res_id
              LEFT JOIN crm_lead lead
                     ON a.res_model = 'crm.lead' AND lead.id = a.res_id
            """
        )

    def _sc_source_domain(self, fname):
        return [("followup_rule_id", "!=", False)]

    @property
    def _table_query(self):
        return self._query()
