import math
import re
from datetime import date, datetime, time

from odoo import api, models
from odoo.exceptions import MissingError, UserError, ValidationError
from odoo.models import NewId
from odoo.osv import expression

# Record ids are PostgreSQL ``integer`` columns: a larger id cannot exist.
MAX_ID = 2**31 - 1
# Fields a rule domain may never read, on any model, whatever the user's rights.
SENSITIVE_FIELD = re.compile(r"password|passwd|secret|token|api_?key|totp|signup|otp")
DOMAIN_KEYWORDS = ("any", "not any")
# Dates accepted by public methods: any business date, and far enough from
# Python's own limits (years 1 and 9999) for the arithmetic done on them
# (previous periods, the day after, a meeting moved one week later).
DATE_MIN = date(1900, 1, 1)
DATE_MAX = date(9998, 12, 31)
# The longest period a public method accepts: a period and the one before it
# (the KPIs compare both) always stay within Python's dates.
PERIOD_MAX_DAYS = 36525  # 100 years


def _repr(value):
    try:
        return repr(value)[:40]
    except ValueError:  # an int beyond Python's digit limit for str()
        return "<too many digits>"


def _shown(values, limit=5):
    """A short, safe rendering of user input for error messages."""
    text = ", ".join(_repr(value) for value in list(values)[:limit])
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

    @api.model
    def _sc_check_number(self, model, fname, value, bounds):
        """Check a number given for the field ``fname`` of ``model``: a finite
        number (a whole one for an integer field) between ``bounds``, both
        included. ``False`` and ``None`` count as 0, as the ORM stores them.

        Create and write call it on the raw values, before they reach the
        database (where 2**31 in an integer column or a string would be a
        server error); constraints call it on the saved records.

        :param tuple bounds: ``(minimum, maximum)``
        :return: the number
        :raise ValidationError: naming the field (its label) and the range
        """
        label = model._fields[fname]._description_string(self.env)
        low, high = bounds
        number = 0 if value is None or value is False else value
        if isinstance(number, str):
            try:
                number = float(number.strip())
            except ValueError:
                number = value
        whole = model._fields[fname].type == "integer"
        try:
            valid = (
                isinstance(number, int | float)
                and not isinstance(number, bool)
                and math.isfinite(number)
                and (not whole or float(number).is_integer())
            )
        except OverflowError:
            # a whole number too big for a float (10**400 in a JSON body)
            valid = False
        if not valid or not low <= number <= high:
            raise ValidationError(
                self.env._(
                    "%(field)s must be a %(kind)s between %(minimum)s and "
                    "%(maximum)s, not %(value)s.",
                    field=label,
                    kind=self.env._("whole number") if whole else self.env._("number"),
                    minimum=low,
                    maximum=high,
                    value=_shown([value]),
                )
            )
        return int(number) if whole else float(number)

    @api.model
    def _sc_check_vals_numbers(self, model, vals_list, ranges):
        """Check the numbers of ``vals_list`` (create or write values of
        ``model``) against ``ranges``, a dict ``field name: (minimum,
        maximum)``."""
        for vals in vals_list:
            for fname in ranges.keys() & vals.keys():
                self._sc_check_number(model, fname, vals[fname], ranges[fname])

    @api.model
    def _sc_check_record_numbers(self, records, ranges):
        """Check the saved numbers of ``records`` against ``ranges``."""
        for record in records:
            for fname, bounds in ranges.items():
                self._sc_check_number(records, fname, record[fname], bounds)

    @api.model
    def _sc_check_date(self, value, argument):
        """Check a date or date-time given as an argument (a date, a datetime
        or their string forms) and return it as a ``date`` or a ``datetime``:
        between DATE_MIN and DATE_MAX.

        :raise UserError: when it is not a date or out of range
        """
        parsed = value
        if isinstance(value, str):
            try:
                parsed = (
                    date.fromisoformat(value)
                    if len(value) == 10
                    else datetime.fromisoformat(value)
                )
            except ValueError:
                parsed = None
        if not isinstance(parsed, date):
            raise UserError(
                self.env._(
                    "%(argument)s must be a date ('YYYY-MM-DD') or a date and "
                    "time ('YYYY-MM-DD HH:MM:SS'), not %(value)s.",
                    argument=argument,
                    value=_shown([value]),
                )
            )
        day = parsed.date() if isinstance(parsed, datetime) else parsed
        if not DATE_MIN <= day <= DATE_MAX:
            raise UserError(
                self.env._(
                    "%(argument)s must be between %(minimum)s and %(maximum)s, "
                    "not %(value)s.",
                    argument=argument,
                    minimum=DATE_MIN,
                    maximum=DATE_MAX,
                    value=day,
                )
            )
        return parsed

    @api.model
    def _sc_check_period(self, first, last, argument):
        """Check a period of two dates (already checked with
        :meth:`_sc_check_date`): ``first`` not after ``last``, and at most
        PERIOD_MAX_DAYS long.

        :raise UserError: when the period is reversed or too long
        """
        first_day = first.date() if isinstance(first, datetime) else first
        last_day = last.date() if isinstance(last, datetime) else last
        if first_day > last_day:
            raise UserError(
                self.env._(
                    "%(argument)s must not end (%(last)s) before it starts "
                    "(%(first)s).",
                    argument=argument,
                    first=first_day,
                    last=last_day,
                )
            )
        if (last_day - first_day).days >= PERIOD_MAX_DAYS:
            raise UserError(
                self.env._(
                    "%(argument)s may span at most %(days)s days, not %(value)s.",
                    argument=argument,
                    days=PERIOD_MAX_DAYS,
                    value=(last_day - first_day).days + 1,
                )
            )

    @api.model
    def _sc_latest_datetime(self):
        """The latest moment accepted, as a naive datetime."""
        return datetime.combine(DATE_MAX, time.max)
