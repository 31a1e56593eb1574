from . import crm_team
from . import res_partner
from . import sale_order
from . import sales_followup_rule
from . import mail_activity
from . import sales_support_request
from . import calendar_event
from . import crm_lead
