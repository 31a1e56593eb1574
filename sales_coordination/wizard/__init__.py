from . import sale_accuracy_confirm_wizard
