def post_init_hook(env):
    """Fill the stored fields the KPIs read from the existing history, so
    that the KPIs of the months before the install are not empty."""
    env["sale.order"]._history_backfill()
    env["sale.order"]._delivery_backfill()
    env["sale.order"]._sc_first_sale_refresh()
