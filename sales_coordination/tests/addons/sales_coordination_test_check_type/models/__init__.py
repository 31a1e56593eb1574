from . import sale_accuracy_check_line_note
