from odoo import api, models
from odoo.tools import SQL


class MailFollowers(models.Model):
    _inherit = "mail.followers"

    # === BUSINESS METHODS ===

    @api.model
    def _sc_insert_followers(self, rows):
        """Subscribe partners to records in bulk, as ``message_subscribe``
        subscribes an internal user: with the default subtypes of each
        record's model. Partners that already follow a record keep their own
        subscription. Two statements whatever the number of rows (one
        ``message_subscribe`` per record and partner costs a few queries
        each): the follow-up engine subscribes the assignees of a batch of
        follow-ups this way (``mail.activity._sc_insert_followups``).

        :param rows: list of ``(res_model, res_id, partner_id)``
        """
        if not rows:
            return
        cr = self.env.cr
        cr.execute(
            SQL(
                """
                INSERT INTO mail_followers (res_model, res_id, partner_id)
                SELECT DISTINCT data.model, data.res_id, data.partner_id
                  FROM unnest(%s::varchar[], %s::int[], %s::int[])
                       AS data(model, res_id, partner_id)
                ON CONFLICT (res_model, res_id, partner_id) DO NOTHING
                RETURNING id, res_model
                """,
                [row[0] for row in rows],
                [row[1] for row in rows],
                [row[2] for row in rows],
            )
        )
        followers = cr.fetchall()
        Subtype = self.env["mail.message.subtype"].sudo()
        pairs = []
        for model in {row[1] for row in followers}:
            subtype_ids = Subtype._default_subtypes(model)[0]
            pairs += [
                (follower_id, subtype_id)
                for follower_id, follower_model in followers
                if follower_model == model
                for subtype_id in subtype_ids
            ]
        if pairs:
            cr.execute(
                SQL(
                    """
                    INSERT INTO mail_followers_mail_message_subtype_rel
                           (mail_followers_id, mail_message_subtype_id)
                    SELECT * FROM unnest(%s::int[], %s::int[])
                    ON CONFLICT DO NOTHING
                    """,
                    [pair[0] for pair in pairs],
                    [pair[1] for pair in pairs],
                )
            )
        # The rows were written behind the ORM's back.
        self.invalidate_model()
        for model in {row[0] for row in rows}:
            self.env[model].invalidate_model(["message_follower_ids"])
