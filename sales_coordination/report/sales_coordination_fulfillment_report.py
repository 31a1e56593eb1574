from odoo import fields, models
from odoo.tools import SQL


class SalesCoordinationFulfillmentReport(models.Model):
    _name = "sales.coordination.fulfillment.report"
    _inherit = [  # noqa: RUF012
        "sales.coordination.source.mixin",
        "sales.coordination.scope.mixin",
    ]
    _description = "Order Fulfillment Analysis"
    _auto = False
    _rec_name = "picking_id"
    _order = "date_done desc"
    _sc_source_fields = ("picking_id", "sale_id")
    _sc_scope_owner_fields = ("coordinator_id", "administrator_id")

    picking_id = fields.Many2one("stock.picking", string="Delivery", readonly=True)
    sale_id = fields.Many2one("sale.order", string="Sale Order", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", string="Warehouse", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    coordinator_id = fields.Many2one("res.users", string="Coordinator", readonly=True)
    administrator_id = fields.Many2one(
        "res.users", string="Administrator", readonly=True
    )
    company_id = fields.Many2one("res.company", readonly=True)
    date_done = fields.Datetime(string="Done On", readonly=True)
    date_deadline = fields.Datetime(string="Due On", readonly=True)
    on_time = fields.Boolean(readonly=True)
    in_full = fields.Boolean(readonly=True)
    delivery_count = fields.Integer(string="Deliveries", readonly=True)
    otif_count = fields.Integer(string="On Time In Full", readonly=True)
    otif_rate = fields.Float(
        string="Fulfillment Rate (%)",
        aggregator="avg",
        readonly=True,
        help="Share of deliveries done on time and in full.",
    )

    def _query(self):
        # On time and in full: the fulfillment KPI's own definition.
        on_time, in_full = self.env["sales.coordination.kpi"]._kpi_fulfillment_sql(
            SQL.identifier("p")
        )
        return SQL(
            """
            SELECT p.id AS id,
                   p.id AS picking_id,
                   so.id AS sale_id,
                   partner.commercial_partner_id AS partner_id,
                   pt.warehouse_id AS warehouse_id,
                   so.team_id AS team_id,
                   so.coordinator_id AS coordinator_id,
                   so.administrator_id AS administrator_id,
                   p.company_id AS company_id,
                   p.date_done AS date_done,
                   COALESCE(p.date_deadline, p.scheduled_date) AS date_deadline,
                   flags.on_time AS on_time,
                   flags.in_full AS in_full,
                   1 AS delivery_count,
                   (flags.on_time AND flags.in_full)::int AS otif_count,
                   CASE WHEN flags.on_time AND flags.in_full THEN 100.0 ELSE 0.0 END
                       AS otif_rate
              FROM stock_picking p
              JOIN stock_picking_type pt ON pt.id = p.picking_type_id
              JOIN sale_order so ON so.id = p.sale_id
              JOIN res_partner partner ON partner.id = so.partner_id
             CROSS JOIN LATERAL (
                SELECT %(on_time)s AS on_time, %(in_full)s AS in_full
             ) AS flags
             WHERE p.state = 'done' AND pt.code = 'outgoing'
            """,
            on_time=on_time,
            in_full=in_full,
        )

    @property
    def _table_query(self):
        return self._query()
