from . import test_ownership
from . import test_roles_menus
from . import test_multi_company
from . import test_ui_tour
from . import test_kpi
from . import test_followup_rule
from . import test_followup_cron
from . import test_kpi_coordination
