# The rule split by capability (see sales_followup_rule.py): the classes stay apart.
# pylint: disable=consider-merging-classes-inherited
from datetime import timedelta

from odoo import SUPERUSER_ID, api, models
from odoo.tools import SQL


class SalesFollowupRule(models.Model):
    """Escalation of the overdue follow-ups to the Coordination Managers of
    the record's company, once per follow-up."""

    _inherit = "sales.followup.rule"

    # === BUSINESS METHODS: ESCALATION ===

    def _escalate_overdue(self, today, batch_size=None, commit=False):
        """Escalate, once, the open follow-ups of ``self`` overdue by
        ``escalate_after_days``: one activity per Coordination Manager of the
        company, naming the original assignee. Rule by rule, each batch
        guarded like the planning (:meth:`_run_guarded_batches`).

        :return: the number of follow-ups escalated
        """
        return self._run_guarded_batches(
            lambda rule, after_id: rule._escalate_batch(
                today, batch_size, after_id=after_id
            ),
            batch_size,
            commit=commit,
        )

    def _escalate_batch(self, today, batch_size=None, after_id=0):
        """Escalate the next ``batch_size`` overdue follow-ups of this rule,
        of ids above ``after_id``.

        :return: (the number of follow-ups escalated, the highest id), or
            None when none was
        """
        self.ensure_one()
        if self.escalate_after_days <= 0:
            return None
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """SELECT act.id FROM mail_activity act
                    WHERE act.followup_rule_id = %(rule)s
                      AND act.active AND NOT COALESCE(act.followup_escalated, FALSE)
                      AND act.date_deadline <= %(due)s
                      AND act.id > %(after_id)s
                    ORDER BY act.id %(limit)s""",
                rule=self.id,
                after_id=after_id,
                due=today - timedelta(days=self.escalate_after_days),
                limit=SQL("LIMIT %s", batch_size) if batch_size else SQL(),
            )
        )
        activities = (
            self.env["mail.activity"]
            .sudo()
            .browse(row[0] for row in self.env.cr.fetchall())
        )
        if not activities:
            return None
        self._escalate(activities, today)
        return len(activities), max(activities.ids)

    @api.model
    def _escalate(self, activities, today):
        managers = self.env["res.company"]._sc_coordination_managers()
        vals_list = []
        for activity in activities:
            rule = activity.followup_rule_id
            record = self.env[activity.res_model].sudo().browse(activity.res_id)
            company = (
                record.company_id
                if "company_id" in record._fields
                and record._fields["company_id"].comodel_name == "res.company"
                else rule.company_id
            ) or activity.user_id.company_id
            for manager in managers.filtered(lambda u, c=company: c in u.company_ids):
                vals_list.append(
                    {
                        "res_model_id": activity.res_model_id.id,
                        "res_id": activity.res_id,
                        "activity_type_id": activity.activity_type_id.id,
                        "summary": self.env._(
                            "Escalated: %(summary)s (assigned to %(user)s)",
                            summary=activity.summary or rule.name,
                            user=activity.user_id.name,
                        ),
                        "note": self.env._(
                            "Follow-up of %(user)s due on %(deadline)s is overdue.",
                            user=activity.user_id.name,
                            deadline=activity.date_deadline,
                        ),
                        "date_deadline": today,
                        "user_id": manager.id,
                        "followup_escalation_of_id": activity.id,
                        "automated": True,
                    }
                )
        activities.write({"followup_escalated": True})
        self._create_activities(vals_list)
        return True

    def _create_activities(self, vals_list):
        """Create activities through the ORM, as superuser (escalations:
        few, and their managers get notified). When the user running the
        rules has no email address, Odoo's assignment notification could not
        be sent in their name: it comes from OdooBot, as in the cron."""
        Activity = self.env["mail.activity"].sudo()
        if not self.env.user.email:
            Activity = Activity.with_user(SUPERUSER_ID)
        return Activity.create(vals_list) if vals_list else Activity
