import { registry } from "@web/core/registry";
import { stepUtils } from "@web_tour/tour_service/tour_utils";

function pickUser(field, name) {
    return [
        {
            content: `Type ${name} in ${field}`,
            trigger: `.o_field_widget[name=${field}] input`,
            run: `edit ${name}`,
        },
        {
            content: `Pick ${name}`,
            trigger: `.o-autocomplete--dropdown-item:contains(${name})`,
            run: "click",
        },
    ];
}

registry.category("web_tour.tours").add("sales_coordination_handoff", {
    url: "/odoo",
    steps: () => [
        stepUtils.showAppsMenuItem(),
        {
            content: "Open the Coordination app",
            trigger: '.o_app[data-menu-xmlid="sales_coordination.menu_root"]',
            run: "click",
        },
        {
            content: "Open the Team menu",
            trigger:
                '.o_menu_sections [data-menu-xmlid="sales_coordination.sales_coordination_absence_menu_team"]',
            run: "click",
        },
        {
            content: "Hand over a portfolio",
            trigger:
                '.dropdown-menu [data-menu-xmlid="sales_coordination.sales_coordination_handoff_menu"]',
            run: "click",
        },
        ...pickUser("from_user_id", "Tara Tour"),
        ...pickUser("to_user_id", "Colin Tour"),
        {
            content: "The preview counts the customer and its quotation",
            trigger:
                ".o_field_widget[name=preview_text]:contains(Customers: 1):contains(Open quotations and orders: 1)",
        },
        {
            content: "Hand over",
            trigger: ".modal button[name=action_apply]",
            run: "click",
        },
        {
            content: "Done",
            trigger: ".o_notification:contains(handed over to Colin Tour)",
        },
    ],
});

registry.category("web_tour.tours").add("sales_coordination_handoff_my_day", {
    url: "/odoo/action-sales_coordination.sales_coordination_my_day_action",
    steps: () => [
        {
            content: "The colleague's My Day shows the follow-up of the customer handed over",
            trigger: ".o_sc_my_day_followups .o_sc_my_day_record:contains(Handoff Tour Pets)",
        },
    ],
});
