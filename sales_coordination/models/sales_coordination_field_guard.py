from odoo import api, models
from odoo.exceptions import AccessError

# The context key under which the addon's own code marks the writes it trusts.
TRUSTED_KEY = "sales_coordination_trusted_writes"


class _TrustedWrites(frozenset):
    """(model, record id, field name) triples the addon's own code writes.

    Only Python code can build one: a context that comes over JSON-RPC or
    XML-RPC holds lists, dicts, strings and numbers, never this class, so a
    caller cannot forge it.
    """


class SalesCoordinationFieldGuard(models.AbstractModel):
    """Fields the addon sets itself: refused in ``create`` and ``write``.

    Each model lists its protected fields and calls :meth:`_sc_guard_create`
    and :meth:`_sc_guard_write` first in its ``create`` and ``write``. Only
    the superuser environment (``sudo()``, data files) and the writes marked
    by :meth:`_sc_write_trusted` (the addon's own actions, on the records
    they act on) may set them. Context defaults (``default_<field>``) of a
    protected field are ignored: a form's context may carry them, and they
    would otherwise set the field on create. (A service model rather than a
    mixin: adding a parent to ``sale.order`` would rebuild its class.)
    """

    _name = "sales.coordination.field.guard"
    _description = "Sales Coordination: fields set by the application only"

    # === BUSINESS METHODS ===

    @api.model
    def _sc_guard_create(self, records, vals_list, protected):
        """Refuse the protected fields given to ``create``.

        :param records: the (empty) recordset ``create`` is called on
        :param vals_list: the values given to ``create``
        :param protected: names of the fields the addon sets itself
        :return: ``records`` without the context defaults of protected
            fields, to call ``super().create`` on
        :raise AccessError: when a value of a protected field is given
        """
        if records.env.su:
            return records
        given = set()
        for vals in vals_list:
            given.update(protected.intersection(vals))
        if given:
            self._sc_refuse(records, given)
        defaults = {
            key
            for key in records.env.context
            if key.startswith("default_") and key[8:] in protected
        }
        if defaults:
            context = {
                key: value
                for key, value in records.env.context.items()
                if key not in defaults
            }
            records = records.with_env(records.env(context=context))
        return records

    @api.model
    def _sc_guard_write(self, records, vals, protected):
        """Refuse the protected fields given to ``write``, unless the write
        is trusted for each of them on every record.

        :raise AccessError: when a protected field is written
        """
        given = protected.intersection(vals)
        refused = [name for name in given if not self._sc_is_trusted(records, name)]
        if refused:
            self._sc_refuse(records, refused)

    @api.model
    def _sc_is_trusted(self, records, field_name):
        """Whether the environment of ``records`` may write ``field_name``
        on all of them: as superuser, or marked by :meth:`_sc_write_trusted`."""
        if records.env.su:
            return True
        trusted = records.env.context.get(TRUSTED_KEY)
        if not isinstance(trusted, _TrustedWrites):
            return False
        return all(
            (records._name, record_id, field_name) in trusted
            for record_id in records._ids
        )

    @api.model
    def _sc_trusted(self, records, field_names):
        """``records`` in an environment trusted to write ``field_names`` on
        exactly these records (the user's rights and record rules still
        apply)."""
        current = records.env.context.get(TRUSTED_KEY)
        trusted = _TrustedWrites(
            (current if isinstance(current, _TrustedWrites) else frozenset())
            | {
                (records._name, record_id, name)
                for record_id in records._ids
                for name in field_names
            }
        )
        return records.with_context(**{TRUSTED_KEY: trusted})

    @api.model
    def _sc_write_trusted(self, records, vals):
        """Write ``vals`` on ``records`` as the addon's own code: the
        protected fields among them are accepted, for these records only."""
        return self._sc_trusted(records, vals).write(vals)

    @api.model
    def _sc_refuse(self, records, field_names):
        labels = ", ".join(
            sorted(
                f"{records._fields[name].string} ({name})"
                if name in records._fields
                else name
                for name in field_names
            )
        )
        raise AccessError(
            self.env._(
                "These fields of %(model)s are set by the application only and "
                "cannot be given to create or write: %(fields)s.",
                model=records._description,
                fields=labels,
            )
        )
