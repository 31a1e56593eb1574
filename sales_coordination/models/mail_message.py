from odoo import api, fields, models, tools
from odoo.tools import SQL


class MailMessage(models.Model):
    _inherit = "mail.message"

    # === BUSINESS METHODS ===

    @api.model
    def _sc_insert_done_messages(self, vals_list, cache=None):
        """Insert the "done" messages of ``vals_list`` (``mail.message``
        create values) in one statement, as ``mail.message.create`` stores
        them (a Message-Id each, other addons' column defaults included):
        notifications sharing the author and subtype of the first one, as the
        follow-up engine posts them when it closes follow-ups in batches
        (``sales.followup.rule._mark_followups_done``; the ORM's create
        sanitizes each body again, several milliseconds per message).

        :param dict cache: kept by the caller across batches: the bodies
            sanitized so far
        """
        if not vals_list:
            return
        Message = self.browse()
        self.env.flush_all()
        now = fields.Datetime.now()
        author = self.env["res.partner"].browse(vals_list[0]["author_id"])
        common = {
            "message_type": "notification",
            "subtype_id": vals_list[0]["subtype_id"],
            "author_id": author.id,
            "email_from": author.email_formatted or "",
            "date": now,
            "create_uid": self.env.uid,
            "create_date": now,
            "write_uid": self.env.uid,
            "write_date": now,
        }
        per_row = (
            "model",
            "res_id",
            "record_name",
            "reply_to",
            "body",
            "mail_activity_type_id",
            "message_id",
        )
        written = set(common) | set(per_row) | {"id"}
        fnames = [
            fname
            for fname, field in Message._fields.items()
            if field.store and field.column_type and fname not in written
        ]
        defaults = Message.default_get(fnames)
        extra = {
            fname: Message._fields[fname].convert_to_column_insert(
                value, Message, defaults
            )
            for fname, value in defaults.items()
            if fname in fnames
        }
        common.update(extra)
        body_field = Message._fields["body"]
        bodies = ({} if cache is None else cache).setdefault("sanitized", {})
        columns = {fname: [] for fname in per_row}
        for vals in vals_list:
            body = vals["body"]
            if body not in bodies:
                # sanitized once per distinct body, as create() would
                bodies[body] = body_field.convert_to_column(body, Message)
            vals = dict(
                vals,
                body=bodies[body],
                message_id=tools.mail.generate_tracking_message_id(
                    f"{vals['res_id']}-{vals['model']}"
                ),
            )
            for fname in per_row:
                columns[fname].append(vals[fname])
        types = {
            "model": "varchar",
            "res_id": "int",
            "record_name": "varchar",
            "reply_to": "varchar",
            "body": "jsonb" if body_field.translate else "text",
            "mail_activity_type_id": "int",
            "message_id": "varchar",
        }
        self.env.cr.execute(
            SQL(
                """INSERT INTO mail_message (%(common_columns)s, %(row_columns)s)
                   SELECT %(common_values)s, data.*
                     FROM unnest(%(arrays)s) AS data(%(row_columns)s)""",
                common_columns=SQL(", ").join(SQL.identifier(f) for f in common),
                row_columns=SQL(", ").join(SQL.identifier(f) for f in per_row),
                common_values=SQL(", ").join(SQL("%s", v) for v in common.values()),
                arrays=SQL(", ").join(
                    SQL("%s::%s[]", columns[f], SQL(types[f])) for f in per_row
                ),
            )
        )
        # The messages were written behind the ORM's back.
        Message.invalidate_model()
        for model in {vals["model"] for vals in vals_list}:
            self.env[model].invalidate_model(["message_ids"])
