from . import crm_team
from . import res_partner
from . import sale_order
from . import sale_accuracy_rule
from . import sale_accuracy_issue
from . import sale_order_line
from . import res_company
from . import res_config_settings
