import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("sales_coordination_accuracy_save_fix_all", {
    steps: () => [
        {
            content: "The quotation passes: no banner",
            trigger: ".o_form_view:not(:has(.o_sc_accuracy_banner)) .o_field_widget[name='accuracy_state'] :contains(Passed)",
        },
        {
            content: "Edit the quantity of the first line",
            trigger: ".o_field_widget[name='order_line'] .o_data_row:first td[name='product_uom_qty']",
            run: "click",
        },
        {
            content: "5 bags, where the case holds 12",
            trigger: ".o_field_widget[name='order_line'] .o_data_row:first td[name='product_uom_qty'] input",
            run: "edit 5",
        },
        {
            content: "Edit the quantity of the second line",
            trigger: ".o_field_widget[name='order_line'] .o_data_row:eq(1) td[name='product_uom_qty']",
            run: "click",
        },
        {
            content: "7 bags",
            trigger: ".o_field_widget[name='order_line'] .o_data_row:eq(1) td[name='product_uom_qty'] input",
            run: "edit 7",
        },
        ...stepUtils.saveForm(),
        {
            content: "Without reloading, the banner lists the two case-pack issues, and nothing else",
            trigger:
                ".o_sc_accuracy_banner:has(.o_data_row:contains(5 Units ordered)):has(.o_data_row:contains(7 Units ordered)):not(:has(tbody tr:not(.o_data_row)))",
        },
        {
            content: "The order is flagged",
            trigger: ".o_form_view .o_field_widget[name='accuracy_state'] :contains(Warning), .o_form_view .o_field_widget[name='accuracy_state'] :contains(Blocked)",
        },
        {
            content: "Fix everything in one click",
            trigger: ".o_sc_accuracy_banner button.o_sc_accuracy_fix_all",
            run: "click",
        },
        {
            content: "Odoo's notification says what was done",
            trigger: ".o_notification:contains(fixed)",
        },
        {
            content: "The banner is gone and the order passes",
            trigger: ".o_form_view:not(:has(.o_sc_accuracy_banner)) .o_field_widget[name='accuracy_state'] :contains(Passed)",
        },
        {
            content: "The lines hold whole cases",
            trigger: ".o_field_widget[name='order_line']:not(:has(td[name='product_uom_qty']:contains(5.00))):not(:has(td[name='product_uom_qty']:contains(7.00)))",
        },
    ],
});

registry.category("web_tour.tours").add("sales_coordination_settings_mode", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Coordination app",
            trigger: '.o_app[data-menu-xmlid="sales_coordination.menu_root"]',
            run: "click",
        },
        {
            content: "Open the manager's menu",
            trigger: '.o_menu_sections [data-menu-xmlid="sales_coordination.menu_manager"]',
            run: "click",
        },
        {
            content: "Configuration › Settings",
            trigger:
                '.dropdown-menu .dropdown-item[data-menu-xmlid="sales_coordination.menu_manager_configuration_settings"]',
            run: "click",
        },
        {
            content: "The company observes",
            trigger: ".modal .o_field_widget[name='accuracy_mode'] input[data-value='observe']:checked",
        },
        {
            content: "Switch to enforce",
            trigger: ".modal .o_field_widget[name='accuracy_mode'] input[data-value='enforce']",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".modal button[name='action_save']",
            run: "click",
        },
        {
            content: "Saved",
            trigger: ".o_notification:contains(Coordination settings saved)",
        },
        {
            content: "The dialog is closed",
            trigger: "body:not(:has(.modal .o_field_widget[name='accuracy_mode']))",
        },
    ],
});
