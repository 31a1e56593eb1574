from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL

# Set by the follow-up rules only (see sales.coordination.field.guard).
PROTECTED_FIELDS = frozenset(
    {"followup_rule_id", "followup_escalated", "followup_escalation_of_id"}
)
# The columns _sc_insert_followups writes itself.
FOLLOWUP_INSERTED_FIELDS = frozenset(
    {
        "id",
        "res_model_id",
        "res_model",
        "res_id",
        "res_name",
        "activity_type_id",
        "summary",
        "date_deadline",
        "user_id",
        "user_tz",
        "automated",
        "active",
        "followup_rule_id",
        "followup_escalated",
        "create_uid",
        "create_date",
        "write_uid",
        "write_date",
    }
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

    @api.model
    def _sc_insert_followups(self, rows, values):
        """Insert follow-up activities in one statement, as
        ``mail.activity.create`` would store them (other addons' column
        defaults included, see :meth:`_sc_followup_extra_defaults`; not their
        overrides of ``create``), and subscribe their assignees to the records
        with the default subtypes (``mail.followers._sc_insert_followers``):
        the SQL path of ``sales.followup.rule._insert_followups``, the
        default (system parameter ``sales_coordination.followup_insert``
        unset or ``sql``).

        The ORM's create costs about 1 ms per activity (defaults, computed
        fields, followers per assignee): several times this path, too slow
        for 100,000 candidates in a nightly run (``bench/bench_followups.py
        --insert sql|orm``). ``ON CONFLICT`` on the partial unique index
        drops the activities a concurrent run planned first. No e-mail is
        sent: the assignees see their follow-ups in the activity menu, and
        get a bus notification.

        :param rows: list of (record, user)
        :param dict values: what every activity of the batch shares:
            ``activity_type_id``, ``summary``, ``date_deadline`` and
            ``followup_rule_id``
        :return: the activities created
        """
        if not rows:
            return self.browse()
        cr = self.env.cr
        self.env.flush_all()
        names = {}
        for model in {record._name for record, __ in rows}:
            records = (
                self.env[model]
                .sudo()
                .browse(record.id for record, __ in rows if record._name == model)
            )
            names.update(
                {(model, record.id): record.display_name for record in records}
            )
        model_ids = {
            model: self.env["ir.model"]._get_id(model)
            for model in {record._name for record, __ in rows}
        }
        # Fields other addons add to activities get their defaults, as with
        # create() (a required field with a default must not fail here).
        extra = self._sc_followup_extra_defaults()
        deadline = values["date_deadline"]
        cr.execute(
            SQL(
                """
                INSERT INTO mail_activity (
                    res_model_id, res_model, res_id, res_name, activity_type_id,
                    summary, date_deadline, user_id, user_tz, automated, active,
                    followup_rule_id, followup_escalated,
                    create_uid, create_date, write_uid, write_date
                    %(extra_columns)s)
                SELECT data.model_id, data.model, data.res_id, data.res_name,
                       %(type)s, %(summary)s, %(deadline)s, data.user_id, users_tz.tz,
                       TRUE, TRUE, %(rule)s, FALSE,
                       %(uid)s, %(now)s, %(uid)s, %(now)s
                       %(extra_values)s
                  FROM unnest(%(model_ids)s::int[], %(models)s::varchar[],
                              %(res_ids)s::int[], %(res_names)s::varchar[],
                              %(user_ids)s::int[])
                       AS data(model_id, model, res_id, res_name, user_id)
                  JOIN LATERAL (
                       SELECT partner.tz FROM res_users usr
                         JOIN res_partner partner ON partner.id = usr.partner_id
                        WHERE usr.id = data.user_id
                  ) AS users_tz ON TRUE
                ON CONFLICT (followup_rule_id, res_model, res_id)
                   WHERE followup_rule_id IS NOT NULL AND active
                   DO NOTHING
                RETURNING res_model, res_id, user_id, id
                """,
                type=values["activity_type_id"],
                summary=values["summary"],
                deadline=deadline,
                rule=values["followup_rule_id"],
                uid=self.env.uid,
                now=fields.Datetime.now(),
                model_ids=[model_ids[record._name] for record, __ in rows],
                models=[record._name for record, __ in rows],
                res_ids=[record.id for record, __ in rows],
                res_names=[names[(record._name, record.id)] for record, __ in rows],
                user_ids=[user.id for __, user in rows],
                extra_columns=SQL("").join(
                    SQL(", %s", SQL.identifier(fname)) for fname in extra
                ),
                extra_values=SQL("").join(
                    SQL(", %s", value) for value in extra.values()
                ),
            )
        )
        created = cr.fetchall()
        if created:
            users = self.env["res.users"].sudo().browse({row[2] for row in created})
            partner_of = {user.id: user.partner_id.id for user in users}
            self.env["mail.followers"]._sc_insert_followers(
                [(row[0], row[1], partner_of[row[2]]) for row in created]
            )
            if deadline <= fields.Date.context_today(self):
                users.with_env(self.env)._bus_send(
                    "mail.activity/updated", {"activity_created": True}
                )
        # The rows were written behind the ORM's back.
        self.env.invalidate_all(flush=False)
        return self.browse(row[3] for row in created)

    @api.model
    def _sc_followup_extra_defaults(self):
        """Column values of the defaults of the stored ``mail.activity``
        fields that :meth:`_sc_insert_followups` does not set itself."""
        fnames = [
            fname
            for fname, field in self._fields.items()
            if field.store
            and field.column_type
            and fname not in FOLLOWUP_INSERTED_FIELDS
        ]
        defaults = self.default_get(fnames)
        return {
            fname: self._fields[fname].convert_to_column_insert(value, self, defaults)
            for fname, value in defaults.items()
            if fname in fnames
        }
