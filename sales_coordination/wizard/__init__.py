from . import sale_accuracy_confirm_wizard
from . import sale_accuracy_simulation
from . import sale_delivery_promise_revise
from . import sales_coordination_settings
from . import calendar_event_reschedule
from . import sales_coordination_handoff
