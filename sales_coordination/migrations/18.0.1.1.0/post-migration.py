"""Migrations to 18.0.1.1.0.

The activity types are ``noupdate`` data: a change to them reaches existing
databases only through a migration.
"""

from odoo.tools import SQL


def migrate(cr, version):
    """The meeting follow-up type has no model: stop it keeping done
    activities, or Odoo's activity view shows done activities of every model."""
    if not version:
        return
    cr.execute(
        """UPDATE mail_activity_type t SET keep_done = FALSE
             FROM ir_model_data d
            WHERE d.model = 'mail.activity.type' AND d.res_id = t.id
              AND d.module = 'sales_coordination'
              AND d.name = 'mail_activity_type_meeting_followup'"""
    )
    _drop_report_views(cr)


def _drop_report_views(cr):
    """The SQL reports are ``_table_query`` models now: the views their
    ``init()`` created go (they would block changes to the columns they
    read)."""
    for view in (
        "sales_coordination_accuracy_report",
        "sales_coordination_followup_report",
        "sales_coordination_fulfillment_report",
        "sales_coordination_support_report",
    ):
        cr.execute(SQL("DROP VIEW IF EXISTS %s", SQL.identifier(view)))
