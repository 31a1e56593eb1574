import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("sales_coordination_my_day", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Coordination app",
            trigger: '.o_app[data-menu-xmlid="sales_coordination.menu_root"]',
            run: "click",
        },
        {
            content: "Open the coordinator workspace",
            trigger: '.o_menu_sections [data-menu-xmlid="sales_coordination.menu_coordinator"]',
            run: "click",
        },
        {
            content: "My Day is its first entry",
            trigger:
                '.dropdown-menu .dropdown-item:first-child[data-menu-xmlid="sales_coordination.menu_coordinator_my_day"]',
            run: "click",
        },
        {
            content: "My Day shows my follow-up with its customer",
            trigger: ".o_sc_my_day_followups .o_sc_my_day_record:contains(My Day Tour Pets)",
        },
        {
            content: "The late order is listed with its customer",
            trigger: ".o_sc_my_day_orders .o_sc_my_day_record:contains(My Day Tour Pets):contains(Late)",
            run: "click",
        },
        {
            content: "The late order opens",
            trigger: ".o_form_view .o_field_widget[name=partner_id]:contains(My Day Tour Pets)",
        },
    ],
});
