import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

/** A date ``days`` from now as the en_US datetime field expects it. */
function inDays(days) {
    const date = new Date(Date.now() + days * 86400000);
    const pad = (n) => String(n).padStart(2, "0");
    return `${pad(date.getMonth() + 1)}/${pad(date.getDate())}/${date.getFullYear()} 16:00:00`;
}

registry.category("web_tour.tours").add("sales_coordination_delivery_promise", {
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
            content: "Open Deliveries",
            trigger:
                '.dropdown-menu .dropdown-item[data-menu-xmlid="sales_coordination.menu_coordinator_deliveries"]',
            run: "click",
        },
        {
            content: "The order waiting for the late container is at risk",
            trigger: ".o_data_row:contains(Delivery Tour Pets):contains(At Risk)",
        },
        {
            content: "Open it",
            trigger: ".o_data_row:contains(Delivery Tour Pets) td[name=partner_id]",
            run: "click",
        },
        {
            content: "The delivery box says it is at risk",
            trigger: ".o_sc_delivery_box [name=delivery_risk]:contains(At Risk)",
        },
        {
            content: "Revise the promise",
            trigger: ".o_form_view button:contains(Revise Promise)",
            run: "click",
        },
        {
            content: "After the container's new date",
            trigger: ".modal .o_field_widget[name=new_date] input",
            run: `edit ${inDays(12)}`,
        },
        {
            content: "Say why",
            trigger: ".modal .o_field_widget[name=note] textarea",
            run: "edit The supplier's container arrives a week late.",
        },
        {
            content: "The customer gets the update in the same step",
            trigger: ".modal .o_field_widget[name=notify_customer] input:checked",
        },
        {
            content: "Revise",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "The order is back on track",
            trigger:
                "body:not(:has(.modal)) .o_sc_delivery_box [name=delivery_risk]:contains(On Track)",
        },
        {
            content: "The customer's update is in the chatter",
            trigger: ".o-mail-Message:contains(Still to come):contains(Grain-Free Kibble)",
        },
    ],
});
