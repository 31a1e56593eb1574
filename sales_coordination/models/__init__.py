from . import crm_team
from . import res_partner
from . import sale_order
from . import sales_coordination_demo
