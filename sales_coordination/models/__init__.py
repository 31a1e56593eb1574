from . import crm_team
from . import res_partner
from . import sale_order
from . import account_move
from . import sales_coordination_kpi
from . import sales_coordination_kpi_target
from . import sales_coordination_kpi_dashboard
from . import sales_coordination_kpi_dashboard_line
