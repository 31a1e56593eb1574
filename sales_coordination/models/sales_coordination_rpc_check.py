import re

from odoo import api, models
from odoo.exceptions import MissingError, UserError
from odoo.models import NewId
from odoo.osv import expression

# Record ids are PostgreSQL ``integer`` columns: a larger id cannot exist.
MAX_ID = 2**31 - 1
# Fields a rule domain may never read, on any model, whatever the user's rights.
SENSITIVE_FIELD = re.compile(r"password|passwd|secret|token|api_?key|totp|signup|otp")
DOMAIN_KEYWORDS = ("any", "not any")


def _shown(values, limit=5):
    """A short, safe rendering of user input for error messages."""
    text = ", ".join(repr(value)[:40] for value in list(values)[:limit])
    return text + (", ..." if len(values) > limit else "")


class SalesCoordinationRpcCheck(models.AbstractModel):
    """Argument checks shared by the addon's public (RPC-callable) methods.

    Over RPC, Odoo passes the ids of a call straight to ``browse()``: any JSON
    value ends up in ``records._ids``. Public methods call
    ``self.env["sales.coordination.rpc.check"]._sc_validate_ids(self)`` first,
    before reading or writing anything, so that bad input gets a UserError or
    MissingError that says what is wrong. (A service model rather than a
    mixin: adding a parent to ``sale.order`` would rebuild its class.)
    """

    _name = "sales.coordination.rpc.check"
    _description = "Sales Coordination: argument checks of public methods"

    # === BUSINESS METHODS ===

    @api.model
    def _sc_validate_ids(
        self, records, allow_empty=False, check_exists=True, single=False
    ):
        """Check the ids of ``records``: positive integers (not booleans) of
        records that exist.

        :param bool allow_empty: accept an empty recordset
        :param bool check_exists: also check, in one query, that the records
            exist (otherwise only ids that cannot exist are refused)
        :param bool single: exactly one record is expected
        :raise UserError: on an empty recordset (unless allowed), a
            malformed id, or several records when ``single``
        :raise MissingError: on an id of a record that does not exist
        """
        ids = [id_ for id_ in records._ids if not isinstance(id_, NewId)]
        malformed = [id_ for id_ in ids if type(id_) is not int or id_ <= 0]
        if malformed:
            raise UserError(
                self.env._(
                    "Record ids of %(model)s must be positive whole numbers, "
                    "not %(values)s.",
                    model=records._description,
                    values=_shown(malformed),
                )
            )
        if not records._ids and not allow_empty:
            raise UserError(
                self.env._(
                    "Select at least one record of %(model)s.",
                    model=records._description,
                )
            )
        if single and len(records._ids) != 1:
            raise UserError(
                self.env._(
                    "This action works on exactly one record of %(model)s, "
                    "not %(count)s.",
                    model=records._description,
                    count=len(records._ids),
                )
            )
        missing = [id_ for id_ in ids if id_ > MAX_ID]
        if not missing and check_exists and ids:
            existing = records.browse(ids)
            missing = (existing - existing.exists()).ids
        if missing:
            raise MissingError(
                self.env._(
                    "These records of %(model)s do not exist (any more): %(ids)s.",
                    model=records._description,
                    ids=_shown(missing, limit=10),
                )
            )

    @api.model
    def _sc_browse_ids(self, model_name, ids, argument):
        """The ``model_name`` records of a list of ids given as an argument,
        checked like :meth:`_sc_validate_ids` (an empty list gives an empty
        recordset).

        :raise UserError: when ``ids`` is not a list of ids
        """
        if not isinstance(ids, list | tuple):
            raise UserError(
                self.env._(
                    "%(argument)s must be a list of record ids, not %(value)s.",
                    argument=argument,
                    value=_shown([ids]),
                )
            )
        records = self.env[model_name].browse(ids)
        self._sc_validate_ids(records, allow_empty=True)
        return records

    @api.model
    def _sc_check_domain(self, domain, model_name):
        """Check a domain written by a user for a rule: a well-formed list of
        leaves on searchable fields of ``model_name`` with valid operators,
        never reaching a secret field or a field or model the user may not
        read.

        :return: the normalized domain
        :raise ValueError: with a message saying what is wrong
        """
        if not isinstance(domain, list | tuple):
            raise ValueError(  # noqa: TRY004 (callers turn it into a ValidationError)
                self.env._("a domain must be a list of conditions")
            )
        domain = expression.normalize_domain(list(domain))
        for element in domain:
            if element in expression.DOMAIN_OPERATORS:
                continue
            if element in (expression.TRUE_LEAF, expression.FALSE_LEAF):
                continue
            if not isinstance(element, list | tuple) or len(element) != 3:
                raise ValueError(
                    self.env._(
                        "%(element)s is not a condition (field, operator, value)",
                        element=_shown([element]),
                    )
                )
            path, operator, value = element
            if not isinstance(path, str) or not path:
                raise ValueError(
                    self.env._("%(path)s is not a field name", path=_shown([path]))
                )
            if operator not in expression.TERM_OPERATORS:
                raise ValueError(
                    self.env._(
                        "%(operator)s is not a valid operator",
                        operator=_shown([operator]),
                    )
                )
            comodel = self._sc_check_field_path(path, model_name)
            if operator in DOMAIN_KEYWORDS and isinstance(value, list | tuple):
                self._sc_check_domain(value, comodel)
        return domain

    @api.model
    def _sc_check_field_path(self, path, model_name):
        """Check a dotted field path; return the model it ends on."""
        Model = self.env[model_name]
        names = path.split(".")
        for position, name in enumerate(names, start=1):
            field = Model._fields.get(name)
            if field is None:
                raise ValueError(
                    self.env._(
                        "%(model)s has no field %(field)s",
                        model=Model._name,
                        field=name,
                    )
                )
            if SENSITIVE_FIELD.search(name):
                raise ValueError(
                    self.env._(
                        "the field %(field)s of %(model)s may not be used in a domain",
                        field=name,
                        model=Model._name,
                    )
                )
            if not field.is_accessible(self.env):
                raise ValueError(
                    self.env._(
                        "you may not read the field %(field)s of %(model)s",
                        field=name,
                        model=Model._name,
                    )
                )
            if not (field.store or field.search):
                raise ValueError(
                    self.env._(
                        "the field %(field)s of %(model)s cannot be searched",
                        field=name,
                        model=Model._name,
                    )
                )
            if field.relational:
                Model = self.env[field.comodel_name]
                if not Model.has_access("read"):
                    raise ValueError(
                        self.env._(
                            "you may not read %(model)s records",
                            model=Model._name,
                        )
                    )
            elif position < len(names):
                raise ValueError(
                    self.env._(
                        "%(field)s of %(model)s is not a relation: it cannot be "
                        "followed in %(path)s",
                        field=name,
                        model=Model._name,
                        path=path,
                    )
                )
        return Model._name
