from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression


class SalesCoordinationSourceMixin(models.AbstractModel):
    """Records that are readable exactly when the records they are built from
    are readable by the current user.

    An accuracy issue follows its order, a report row its issue, request or
    activity, a dashboard line its dashboard. The models list their source
    many2one fields in ``_sc_source_fields``, and one global record rule
    ``[('sc_source_readable', '=', True)]`` does the rest: the rule's domain
    becomes ``source_id IN (the sources the user may search)``, so whatever
    rules apply to the source (Odoo's own "own documents" rules, other
    addons' rules, multi-company) apply to the record too.
    """

    _name = "sales.coordination.source.mixin"
    _description = "Sales Coordination: readable when its source is"

    # Many2one fields to the records this one is built from; every one of
    # them must be readable.
    _sc_source_fields = ()

    sc_source_readable = fields.Boolean(
        string="Source Readable",
        compute="_compute_sc_source_readable",
        search="_search_sc_source_readable",
        help="The current user may read the records this one is built from.",
    )

    # === COMPUTE METHODS ===

    @api.depends(lambda self: self._sc_source_fields)
    @api.depends_context("uid", "allowed_company_ids")
    def _compute_sc_source_readable(self):
        # Read the raw links as superuser (this runs inside access checks),
        # then check them as the real user.
        records = self.sudo()
        readable = {}
        for fname in self._sc_source_fields:
            sources = records[fname]
            allowed = self._sc_source_model(fname).browse(sources.ids)
            readable[fname] = set(allowed._filtered_access("read").ids)
        for record, raw in zip(self, records, strict=True):
            record.sc_source_readable = all(
                raw[fname].id in readable[fname] for fname in self._sc_source_fields
            )

    def _search_sc_source_readable(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(
                self.env._(
                    "%(field)s can only be compared with = or != to True or False.",
                    field=self._fields["sc_source_readable"].string,
                )
            )
        leaves = []
        for fname in self._sc_source_fields:
            Source = self._sc_source_model(fname)
            if not Source.has_access("read"):
                leaves.append(expression.FALSE_DOMAIN)
                continue
            readable = Source._search(self._sc_source_domain(fname))
            leaves.append([(fname, "in", readable)])
        domain = expression.AND(leaves) if leaves else expression.FALSE_DOMAIN
        if (operator == "=") != value:
            domain = ["!", *domain]
        return domain

    # === BUSINESS METHODS ===

    def _sc_source_model(self, fname):
        """The source model as the real user (never as superuser, even when
        called from a record rule), without hiding archived sources."""
        comodel = self.env[self._fields[fname].comodel_name]
        return comodel.with_user(self.env.uid).with_context(active_test=False)

    def _sc_source_domain(self, fname):
        """Narrows the sources searched for ``fname`` (for speed only: the
        records of this model link to these sources only)."""
        return []
