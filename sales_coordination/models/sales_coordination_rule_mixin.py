import ast
import logging
from datetime import datetime, timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, mute_logger
from odoo.tools.safe_eval import safe_eval

_logger = logging.getLogger(__name__)

# The numbers every rule accepts: field name -> (minimum, maximum), both
# included. A rule model adds its own in ``_number_ranges``.
RULE_NUMBER_RANGES = {"sequence": (-1_000_000, 1_000_000)}

# What a rule's domain text may contain, so that its evaluation is bounded:
# the literals the domain widget writes, and the date arithmetic of the
# evaluation context (``context_today() - timedelta(days=30)``,
# ``.strftime(...)``). No power, shift, repetition, comprehension or lambda:
# ``10 ** (3 * 10 ** 7)`` would take a minute at every check.
DOMAIN_MAX_LENGTH = 10_000
DOMAIN_MAX_NUMBER = 10**9
DOMAIN_NODES = (
    ast.Expression,
    ast.List,
    ast.Tuple,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Call,
    ast.keyword,
    ast.Attribute,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.UnaryOp,
    ast.USub,
    ast.UAdd,
    ast.Not,
)
DOMAIN_METHODS = frozenset(
    {"strftime", "replace", "date", "now", "today", "isoformat", "combine"}
)


class SalesCoordinationRuleMixin(models.AbstractModel):
    """What the accuracy rules and the follow-up rules share: a named,
    ordered, archivable rule of a company (or of every company) and of some
    sales teams, with a domain that means the same thing in both.

    A rule model sets:

    - ``_number_ranges``: its number fields and their ``(minimum, maximum)``,
      checked on create and write (before the database sees them) and by a
      constraint;
    - ``_rule_uses_domain()``: whether a record's ``domain`` applies (its
      type is "domain");
    - ``_rule_domain_model()``: the model the domain is about.

    ``_get_domain()`` evaluates a rule's domain (with
    ``_rule_eval_context()``), checks it with the user's rights against its
    model and returns it: the constraint and the rule's run call the same
    code.
    """

    _name = "sales.coordination.rule.mixin"
    _inherit = ["sales.coordination.shared.mixin"]  # noqa: RUF012
    _description = "Sales Coordination: rule"
    _order = "sequence, id"
    _check_company_auto = True
    _number_ranges = RULE_NUMBER_RANGES

    # === FIELDS ===

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    sequence = fields.Integer(
        default=10,
        help="Order of the rules. From {} to {}.".format(
            *RULE_NUMBER_RANGES["sequence"]
        ),
    )
    company_id = fields.Many2one(
        comodel_name="res.company",
        string="Company",
        index=True,
        default=lambda self: self._sc_default_company_id(),
        help="Leave empty to apply the rule in every company.",
    )
    team_ids = fields.Many2many(
        comodel_name="crm.team",
        string="Sales Teams",
        check_company=True,
        help="Only records of these teams. Leave empty for every team.",
    )
    domain = fields.Char(
        default="[]",
        help="For a rule of type 'domain': the records it is about.",
    )

    # === CONSTRAINT METHODS ===

    @api.constrains(lambda self: tuple(self._number_ranges))
    def _check_number_ranges(self):
        self.env["sales.coordination.rpc.check"]._sc_check_record_numbers(
            self, self._number_ranges
        )

    @api.constrains(lambda self: self._rule_domain_depends())
    def _check_rule_domain(self):
        for rule in self.filtered(lambda r: r._rule_uses_domain()):
            rule._get_domain(try_it=True)

    # === CRUD METHODS ===

    @api.model_create_multi
    def create(self, vals_list):
        self._rule_check_vals(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._rule_check_vals([vals])
        return super().write(vals)

    # === BUSINESS METHODS ===

    def _rule_check_vals(self, vals_list):
        """Refuse the numbers the database could not store (or that are out
        of range) before they reach it. Extend ``_rule_vals_ranges`` for the
        fields whose precise range the constraints check."""
        self.env["sales.coordination.rpc.check"]._sc_check_vals_numbers(
            self, vals_list, self._rule_vals_ranges()
        )

    @api.model
    def _rule_vals_ranges(self):
        return dict(self._number_ranges)

    @api.model
    def _rule_domain_depends(self):
        """The fields the domain constraint depends on."""
        return ("domain",)

    def _rule_uses_domain(self):
        """Whether this rule's domain applies (a rule of type "domain")."""
        self.ensure_one()
        return False

    def _rule_domain_model(self):
        """The name of the model this rule's domain is about; raise a
        ValidationError when the rule cannot have one."""
        self.ensure_one()
        raise NotImplementedError

    @api.model
    def _rule_eval_context(self):
        """What a rule's domain may use: ``datetime``, ``timedelta``,
        ``context_today()`` and ``uid``, in both kinds of rules."""
        return {
            "datetime": datetime,
            "timedelta": timedelta,
            "context_today": lambda: fields.Date.context_today(self),
            "uid": self.env.uid,
        }

    @api.model
    def _rule_domain_bounded(self, text):
        """Refuse a domain text whose evaluation is not bounded (see
        DOMAIN_NODES): only literals, names of the evaluation context, calls
        of them and of a few date methods, ``+`` and ``-``, numbers up to
        DOMAIN_MAX_NUMBER. Raise a ValueError saying what is not allowed."""
        if len(text) > DOMAIN_MAX_LENGTH:
            raise ValueError(
                self.env._(
                    "it is longer than %(limit)s characters", limit=DOMAIN_MAX_LENGTH
                )
            )
        names = {*self._rule_eval_context(), "True", "False", "None"}
        for node in ast.walk(ast.parse(text.strip(), mode="eval")):
            problem = None
            if not isinstance(node, DOMAIN_NODES):
                problem = self.env._(
                    "%(what)s is not allowed in a rule's domain",
                    what=type(node).__name__,
                )
            elif isinstance(node, ast.Name) and node.id not in names:
                problem = self.env._("unknown name %(name)s", name=node.id)
            elif isinstance(node, ast.Attribute) and node.attr not in DOMAIN_METHODS:
                problem = self.env._("unknown method %(name)s", name=node.attr)
            elif (
                isinstance(node, ast.Constant)
                and isinstance(node.value, int | float)
                and not isinstance(node.value, bool)
                and abs(node.value) > DOMAIN_MAX_NUMBER
            ):
                problem = self.env._(
                    "numbers are limited to %(limit)s", limit=DOMAIN_MAX_NUMBER
                )
            if problem:
                raise ValueError(problem)

    def _rule_domain_try(self, model_name, domain):
        """Run ``domain`` on ``model_name`` once, on no record, in a
        savepoint: a domain the database cannot run (a date that is not one)
        fails here, on save, rather than at every check."""
        query = self.env[model_name].sudo()._search(domain)
        with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            self.env.cr.execute(SQL("SELECT 1 FROM (%s) AS q LIMIT 0", query.select()))

    def _get_domain(self, try_it=False):
        """The rule's domain, evaluated and checked against its model: only
        readable, searchable, non-secret fields (checked as the current user,
        the one writing the rule), before any search as superuser. The text
        is evaluated only when bounded (``_rule_domain_bounded``); with
        ``try_it``, the domain is also run once on no record.

        :return: the domain (a list)
        :raise ValidationError: naming the rule, the model and what is wrong
        """
        self.ensure_one()
        model_name = self._rule_domain_model()
        try:
            self._rule_domain_bounded(self.domain or "[]")
            domain = safe_eval(self.domain or "[]", self._rule_eval_context())
            domain = self.env["sales.coordination.rpc.check"]._sc_check_domain(
                domain, model_name
            )
            if try_it:
                self._rule_domain_try(model_name, domain)
            else:
                self.env[model_name].sudo()._search(domain)
        except Exception as error:
            raise ValidationError(
                self.env._(
                    "The domain of rule %(rule)s is not valid for %(model)s: %(error)s",
                    rule=self.name,
                    model=model_name,
                    error=error,
                )
            ) from error
        return domain
