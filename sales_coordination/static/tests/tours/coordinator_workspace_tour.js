import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

registry.category("web_tour.tours").add("sales_coordination_coordinator_workspace", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Coordination app",
            trigger: '.o_app[data-menu-xmlid="sales_coordination.menu_root"]',
            run: "click",
        },
        {
            content: "The coordinator workspace is there",
            trigger: '.o_menu_sections button[data-menu-xmlid="sales_coordination.menu_coordinator"], .o_menu_sections a[data-menu-xmlid="sales_coordination.menu_coordinator"]',
            run: "click",
        },
        {
            content: "Open Orders in Progress",
            trigger: '.dropdown-item[data-menu-xmlid="sales_coordination.menu_coordinator_orders_in_progress"]',
            run: "click",
        },
        {
            content: "The orders list is shown",
            trigger: ".o_breadcrumb:contains(Orders in Progress)",
        },
        {
            content: "No administrator or manager workspace for a coordinator",
            trigger: "body:not(:has([data-menu-xmlid='sales_coordination.menu_administrator'])):not(:has([data-menu-xmlid='sales_coordination.menu_manager']))",
        },
    ],
});
