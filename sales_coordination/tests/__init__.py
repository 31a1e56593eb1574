from . import test_ownership
from . import test_roles_menus
from . import test_multi_company
from . import test_ui_tour
from . import test_kpi
