from . import kpi_dashboard
