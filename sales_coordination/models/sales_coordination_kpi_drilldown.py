# The KPI model split by capability (see sales_coordination_kpi.py).
# pylint: disable=consider-merging-classes-inherited
from datetime import datetime

from odoo import api, fields, models

from .sales_coordination_kpi_definitions import KPI_BY_KEY


class SalesCoordinationKpi(models.AbstractModel):
    """The records behind a dashboard card, read from the KPI's definition:
    its model, the method that builds the domain of its records (the one
    its family aggregates) and, for a rate, the domain of its numerator."""

    _inherit = "sales.coordination.kpi"

    # === DRILL-DOWN ===

    @api.model
    def _kpi_drilldown_domains(self, key, start, end, team_ids, user_ids):
        """``(model, domain, numerator_domain)`` of the records behind a KPI
        of the period ``[start, end)``: its denominator's records for a rate
        (the numerator's with ``numerator_domain`` added), the records whose
        figure it averages for a duration, the records it counts else."""
        definition = KPI_BY_KEY.get(key)
        if not definition or not definition.records:
            return None, None, None
        domain = getattr(self, definition.records)(start, end, team_ids, user_ids)
        numerator = list(definition.numerator) if definition.numerator else None
        return definition.model, domain, numerator

    @api.model
    def _kpi_drilldown(self, key, start, end, team_ids, user_ids):
        """``(action, numerator_domain)`` of a KPI card: a window action on
        the records behind the figure (False when the user may not read
        them), with datetimes written as strings for RPC."""
        definition = KPI_BY_KEY.get(key)
        if not definition or not self._kpi_readable(definition.model):
            return False, False
        model, domain, numerator = self._kpi_drilldown_domains(
            key, start, end, team_ids, user_ids
        )
        if not model:
            return False, False

        def plain(domain):
            return [
                (term[0], term[1], fields.Datetime.to_string(term[2]))
                if isinstance(term, tuple | list) and isinstance(term[2], datetime)
                else term
                for term in domain
            ]

        action = {
            "type": "ir.actions.act_window",
            "name": self._kpi_labels().get(key, key),
            "res_model": model,
            "views": [[False, "list"], [False, "form"]],
            "domain": plain(domain),
            "context": {"create": False},
            "target": "current",
        }
        return action, plain(numerator) if numerator else False
