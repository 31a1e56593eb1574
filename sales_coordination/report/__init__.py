from . import sales_coordination_fulfillment_report
from . import sales_coordination_accuracy_report
from . import sales_coordination_followup_report
from . import sales_coordination_support_report
