from . import crm_team
from . import mail_activity
from . import sales_followup_rule
